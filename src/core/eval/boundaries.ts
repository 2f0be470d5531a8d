/**
 * Boundary placement: how far estimated chord changes lie from the reference ones [seconds].
 *
 * - {@link boundaryDeviation}: `mir_eval.segment.deviation` (nearest-boundary medians, both directions);
 *   works for any estimate (recognition included).
 * - {@link pairedBoundaryDeviation}: for forced alignment, where estimate and reference carry the same
 *   chord sequence, the i-th chord of one is compared with the i-th chord of the other; stricter,
 *   since a boundary cannot be matched to a neighbouring one.
 */
import type { Segment } from '../chords'
import type { Interval } from './intervals'
import { validateIntervals } from './intervals'

/** numpy `round(x, 5)`: scale, round half to even, unscale. */
function round5(x: number): number {
  const y = x * 1e5
  let r = Math.round(y)
  if (Math.abs(y - Math.trunc(y)) === 0.5 && r % 2 !== 0) r -= 1
  return r / 1e5
}

/** `mir_eval.util.intervals_to_boundaries`: distinct interval ends rounded to 5 decimals, sorted. */
export function intervalsToBoundaries(intervals: readonly Interval[]): number[] {
  const v = intervals.flatMap((s) => [round5(s.start), round5(s.end)]).sort((a, b) => a - b)
  return v.filter((x, i) => i === 0 || x !== v[i - 1])
}

/** Median as numpy computes it (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const v = [...values].sort((a, b) => a - b)
  const m = v.length >> 1
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2
}

export interface BoundaryDeviation {
  /** Median distance from each reference boundary to the nearest estimated one [seconds]. */
  refToEst: number
  /** Median distance from each estimated boundary to the nearest reference one [seconds]. */
  estToRef: number
}

/** Distances from each boundary of one side to the nearest boundary of the other [seconds]. */
export interface BoundaryDistances {
  refToEst: number[]
  estToRef: number[]
}

/**
 * The per-boundary distances behind `mir_eval.segment.deviation` (boundaries rounded to 5 decimals).
 * @param trim drop the first and last boundary (track start and end). Default false, as mir_eval.
 */
export function boundaryDistances(
  ref: readonly Interval[],
  est: readonly Interval[],
  trim = false,
): BoundaryDistances {
  validateIntervals(ref)
  validateIntervals(est)
  let rb = intervalsToBoundaries(ref)
  let eb = intervalsToBoundaries(est)
  if (trim) {
    rb = rb.slice(1, -1)
    eb = eb.slice(1, -1)
  }
  if (rb.length === 0 || eb.length === 0) return { refToEst: [], estToRef: [] }
  const nearest = (t: number, set: number[]) => {
    let best = Number.POSITIVE_INFINITY
    for (const u of set) best = Math.min(best, Math.abs(t - u))
    return best
  }
  return { refToEst: rb.map((t) => nearest(t, eb)), estToRef: eb.map((t) => nearest(t, rb)) }
}

/**
 * `mir_eval.segment.deviation(ref, est, trim)`: medians of {@link boundaryDistances}. NaN when
 * either side has no boundary.
 * @param trim drop the first and last boundary (track start and end). Default false, as mir_eval.
 */
export function boundaryDeviation(
  ref: readonly Interval[],
  est: readonly Interval[],
  trim = false,
): BoundaryDeviation {
  const d = boundaryDistances(ref, est, trim)
  return { refToEst: median(d.refToEst), estToRef: median(d.estToRef) }
}

/** The chord tokens of an annotation: non-N/X segments with adjacent equal labels merged. */
export function chordTokens(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = []
  let prev: string | null = null
  for (const s of segments) {
    const chord = s.label !== 'N' && s.label !== 'X'
    if (chord && s.label === prev && out.length > 0 && out[out.length - 1]!.end === s.start)
      out[out.length - 1]!.end = s.end
    else if (chord) out.push({ ...s })
    prev = s.label
  }
  return out
}

export interface PairedDeviation {
  /** |t_est − t_ref| per boundary: the start of every chord token, then the end of the last [seconds]. */
  deviations: number[]
  median: number
  mean: number
}

/**
 * Boundary deviation of a forced alignment: token i of the estimate against token i of the
 * reference (tokens = chord segments, N dropped, adjacent repeats merged). Boundaries are the
 * start of each token and the end of the last token (K tokens → K + 1 boundaries).
 * @returns null when the two token sequences differ in length (not the same chord sequence)
 */
export function pairedBoundaryDeviation(
  ref: readonly Segment[],
  est: readonly Segment[],
): PairedDeviation | null {
  const r = chordTokens(ref)
  const e = chordTokens(est)
  if (r.length !== e.length || r.length === 0) return null
  const deviations = r.map((s, i) => Math.abs(s.start - e[i]!.start))
  deviations.push(Math.abs(r[r.length - 1]!.end - e[e.length - 1]!.end))
  const mean = deviations.reduce((a, b) => a + b, 0) / deviations.length
  return { deviations, median: median(deviations), mean }
}
