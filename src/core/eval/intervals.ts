/**
 * Labelled-interval utilities, ported from mir_eval 0.7 `util` (adjust_intervals,
 * merge_labeled_intervals, intervals_to_durations) and `chord.merge_chord_intervals`, so that scores
 * built on them match mir_eval to rounding.
 */
import type { Segment } from '../chords'
import { encodeMany, sameEncoding } from './encode'

/** A time interval [seconds]. */
export interface Interval {
  start: number
  end: number
}

/**
 * `mir_eval.util.adjust_intervals`: crop or pad labelled intervals to span exactly [tMin, tMax].
 * Intervals wholly outside are dropped, intervals across a limit are clipped (this can leave a
 * zero-length interval at a limit, as in mir_eval), and a gap at either end gets a new interval
 * labelled `startLabel` / `endLabel`.
 * @param segments labelled intervals [seconds]
 * @param tMin start of the range [seconds]
 * @param tMax end of the range [seconds]
 */
export function adjustIntervals(
  segments: readonly Segment[],
  tMin: number,
  tMax: number,
  startLabel = 'N',
  endLabel = 'N',
): Segment[] {
  if (segments.length === 0) return [{ start: tMin, end: tMax, label: startLabel }]
  let segs = segments.map((s) => ({ ...s }))
  // t_min: keep from the first interval ending at or after tMin, clip everything below tMin
  const first = segs.findIndex((s) => s.end >= tMin)
  if (first >= 0) segs = segs.slice(first)
  for (const s of segs) {
    s.start = Math.max(tMin, s.start)
    s.end = Math.max(tMin, s.end)
  }
  const lo = minTime(segs)
  if (lo > tMin) segs.unshift({ start: tMin, end: lo, label: startLabel })
  // t_max: keep up to the first interval starting after tMax, clip everything above tMax
  const last = segs.findIndex((s) => s.start > tMax)
  if (last >= 0) segs = segs.slice(0, last)
  for (const s of segs) {
    s.start = Math.min(tMax, s.start)
    s.end = Math.min(tMax, s.end)
  }
  const hi = maxTime(segs)
  if (hi < tMax) segs.push({ start: hi, end: tMax, label: endLabel })
  return segs
}

function minTime(segs: readonly Interval[]): number {
  let m = Number.POSITIVE_INFINITY
  for (const s of segs) m = Math.min(m, s.start, s.end)
  return m
}

function maxTime(segs: readonly Interval[]): number {
  let m = Number.NEGATIVE_INFINITY
  for (const s of segs) m = Math.max(m, s.start, s.end)
  return m
}

/** Sorted distinct values. */
function uniqueSorted(values: number[]): number[] {
  values.sort((a, b) => a - b)
  const out: number[] = []
  for (const v of values) if (out.length === 0 || out[out.length - 1] !== v) out.push(v)
  return out
}

/** Index of the last interval whose start is ≤ t (mir_eval takes the last such index, in list order). */
function lastStartingBy(segs: readonly Interval[], t: number, sorted: boolean): number {
  if (sorted) {
    let lo = 0
    let hi = segs.length // first index with start > t
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (segs[mid]!.start <= t) lo = mid + 1
      else hi = mid
    }
    return lo - 1
  }
  for (let i = segs.length - 1; i >= 0; i--) if (t >= segs[i]!.start) return i
  return -1
}

function startsSorted(segs: readonly Interval[]): boolean {
  for (let i = 1; i < segs.length; i++) if (segs[i]!.start < segs[i - 1]!.start) return false
  return true
}

/** Result of {@link mergeLabeledIntervals}: common intervals and both label lists on them. */
export interface MergedLabels {
  intervals: Interval[]
  xLabels: string[]
  yLabels: string[]
}

/**
 * `mir_eval.util.merge_labeled_intervals`: cut both annotations at the union of their boundaries.
 * @throws Error when the two do not start and end at the same times (adjust first)
 */
export function mergeLabeledIntervals(x: readonly Segment[], y: readonly Segment[]): MergedLabels {
  if (x.length === 0 || y.length === 0) throw new Error('cannot merge an empty annotation')
  if (x[0]!.start !== y[0]!.start || x[x.length - 1]!.end !== y[y.length - 1]!.end)
    throw new Error('time intervals do not align; adjust the estimate to the reference span first')
  const bounds = uniqueSorted([...x, ...y].flatMap((s) => [s.start, s.end]))
  const xs = startsSorted(x)
  const ys = startsSorted(y)
  const intervals: Interval[] = []
  const xLabels: string[] = []
  const yLabels: string[] = []
  for (let k = 0; k + 1 < bounds.length; k++) {
    const t0 = bounds[k]!
    const i = lastStartingBy(x, t0, xs)
    const j = lastStartingBy(y, t0, ys)
    if (i < 0 || j < 0) throw new Error(`no interval covers ${t0} s`)
    intervals.push({ start: t0, end: bounds[k + 1]! })
    xLabels.push(x[i]!.label)
    yLabels.push(y[j]!.label)
  }
  return { intervals, xLabels, yLabels }
}

/**
 * `mir_eval.util.intervals_to_durations` (with its validation).
 * @throws Error on a negative time or a non-positive duration
 */
export function intervalsToDurations(intervals: readonly Interval[]): Float64Array {
  validateIntervals(intervals)
  const out = new Float64Array(intervals.length)
  intervals.forEach((s, i) => {
    out[i] = Math.abs(s.end - s.start)
  })
  return out
}

/** `mir_eval.util.validate_intervals`: no negative times, every duration strictly positive. */
export function validateIntervals(intervals: readonly Interval[]): void {
  for (const s of intervals) {
    if (s.start < 0 || s.end < 0) throw new Error('negative interval times found')
    if (!(s.end > s.start))
      throw new Error(`interval ${s.start}–${s.end} s does not have a positive duration`)
  }
}

/**
 * `mir_eval.chord.merge_chord_intervals`: join adjacent intervals whose labels encode the same chord
 * (with extended chords reduced, so `C:9` and `C:7(9)` join but `C:maj9` and `C:maj7` do not).
 */
export function mergeChordIntervals(segments: readonly Segment[]): Interval[] {
  const enc = encodeMany(
    segments.map((s) => s.label),
    true,
  )
  const out: Interval[] = []
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!
    if (i === 0 || !sameEncoding(enc[i]!, enc[i - 1]!)) out.push({ start: s.start, end: s.end })
    else out[out.length - 1]!.end = s.end
  }
  return out
}
