/**
 * Pure edits of a chord lane: contiguous segments in [seconds], replaced as a whole (never mutated),
 * so each edit is one undo step. No DOM, no Svelte: tested in tests/unit/renderer.
 */
import type { Anchor, SegmentDto } from '../../../core/api'

/** Shortest segment an edit may leave [seconds]. */
export const MIN_SEGMENT = 0.05

/** Two boundary times closer than this are the same boundary [seconds]. */
export const SAME_TIME = 1e-3

/** Internal boundary times: boundary b sits between segment b and b+1. */
export function boundaries(segs: readonly SegmentDto[]): number[] {
  const out: number[] = []
  for (let i = 0; i + 1 < segs.length; i++) out.push(segs[i]!.end)
  return out
}

/** Index of the segment containing time t (the last one for t at or past the end), or -1. */
export function segmentAt(segs: readonly SegmentDto[], t: number): number {
  if (segs.length === 0 || t < segs[0]!.start) return -1
  let lo = 0
  let hi = segs.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (segs[mid]!.start <= t) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Index of the boundary nearest to t, or -1 when there is none. */
export function nearestBoundary(segs: readonly SegmentDto[], t: number): number {
  const b = boundaries(segs)
  let best = -1
  let bestD = Number.POSITIVE_INFINITY
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(b[i]! - t)
    if (d < bestD) [best, bestD] = [i, d]
  }
  return best
}

/** The boundary strictly after (dir = 1) or before (dir = -1) time t, or -1. */
export function adjacentBoundary(segs: readonly SegmentDto[], t: number, dir: 1 | -1): number {
  const b = boundaries(segs)
  if (dir > 0) {
    for (let i = 0; i < b.length; i++) if (b[i]! > t + SAME_TIME) return i
    return -1
  }
  for (let i = b.length - 1; i >= 0; i--) if (b[i]! < t - SAME_TIME) return i
  return -1
}

/**
 * Move boundary b (between segment b and b+1) to time t, clamped so that both neighbours keep at
 * least MIN_SEGMENT. The two segments become hand-edited (confidence null), and the boundary the
 * user placed has no aligner confidence any more (startConfidence null).
 */
export function moveBoundary(segs: readonly SegmentDto[], b: number, t: number): SegmentDto[] {
  const left = segs[b]
  const right = segs[b + 1]
  if (!left || !right) return [...segs]
  const lo = left.start + MIN_SEGMENT
  const hi = right.end - MIN_SEGMENT
  if (hi < lo) return [...segs]
  const time = Math.min(hi, Math.max(lo, t))
  const out = [...segs]
  out[b] = { ...left, end: time, confidence: null }
  out[b + 1] = { ...right, start: time, confidence: null, startConfidence: null }
  return out
}

/** Split segment i at time t (both halves keep its label); unchanged when t is too near an edge. */
export function splitAt(segs: readonly SegmentDto[], i: number, t: number): SegmentDto[] {
  const s = segs[i]
  if (!s || t < s.start + MIN_SEGMENT || t > s.end - MIN_SEGMENT) return [...segs]
  const out = [...segs]
  out.splice(
    i,
    1,
    { ...s, end: t, confidence: null },
    { ...s, start: t, confidence: null, startConfidence: null },
  )
  return out
}

/** Merge segment i with segment i+1; the merged segment keeps segment i's label. */
export function mergeWithNext(segs: readonly SegmentDto[], i: number): SegmentDto[] {
  const a = segs[i]
  const b = segs[i + 1]
  if (!a || !b) return [...segs]
  const out = [...segs]
  const merged: SegmentDto = { start: a.start, end: b.end, label: a.label, confidence: null }
  if (a.startConfidence != null) merged.startConfidence = a.startConfidence
  out.splice(i, 2, merged)
  return out
}

/** Give segment i a new label (already canonical Harte). */
export function relabel(segs: readonly SegmentDto[], i: number, label: string): SegmentDto[] {
  const s = segs[i]
  if (!s || s.label === label) return [...segs]
  const out = [...segs]
  out[i] = { ...s, label, confidence: null }
  return out
}

/** Locks that still sit on a boundary (edits may remove the boundary a lock was on). */
export function liveLocks(segs: readonly SegmentDto[], locks: readonly number[]): number[] {
  const b = boundaries(segs)
  return locks.filter((t) => b.some((x) => Math.abs(x - t) <= SAME_TIME))
}

/** Toggle the lock of a boundary time. */
export function toggleLock(locks: readonly number[], t: number): number[] {
  const has = locks.some((x) => Math.abs(x - t) <= SAME_TIME)
  return has ? locks.filter((x) => Math.abs(x - t) > SAME_TIME) : [...locks, t].sort((a, b) => a - b)
}

export function isLocked(locks: readonly number[], t: number): boolean {
  return locks.some((x) => Math.abs(x - t) <= SAME_TIME)
}

/**
 * Locked boundaries as alignment anchors: chord `token` of the merged sequence starts at `time`,
 * where token counts the chords before the boundary — non-N segments, adjacent equal labels counted
 * once (N segments are silence the aligner adds; they are not typed). A lock at the start of a
 * trailing N gives token = number of chords: the end of the last chord.
 */
export function anchorsFromLocks(segs: readonly SegmentDto[], locks: readonly number[]): Anchor[] {
  const out: Anchor[] = []
  for (const t of liveLocks(segs, locks)) {
    const k = segmentAt(segs, t + SAME_TIME / 2)
    let token = 0
    let prev: string | null = null
    for (let i = 0; i < k; i++) {
      const l = segs[i]!.label
      if (l === 'N') continue
      if (l !== prev) token++
      prev = l
    }
    // the chord starting here continues the previous one (a split): it is not a new token
    if (segs[k] && segs[k]!.label === prev) token--
    out.push({ time: t, token })
  }
  return out
}

/** Keep the boundaries at locked times when segments come back from a re-alignment (snap within 1 ms). */
export function snapToLocks(segs: readonly SegmentDto[], locks: readonly number[]): SegmentDto[] {
  if (locks.length === 0) return [...segs]
  const out = segs.map((s) => ({ ...s }))
  for (const t of locks) {
    const b = nearestBoundary(out, t)
    if (b < 0 || Math.abs(out[b]!.end - t) > 0.02) continue
    out[b]!.end = t
    out[b + 1]!.start = t
  }
  return out
}

/**
 * Below these the aligner's confidence reads "check" (lib/confidence.ts's bands). A segment's
 * confidence is the mean posterior of its label over its frames; a boundary's is the posterior mass
 * within ±0.1 s of it, which is spread thinner (it rarely exceeds 0.9 even where the boundary is
 * exact), so it has bands of its own. Measured on the dev corpus's test split (614 boundaries,
 * rendered audio, `docs/app.md`): below 0.5, 29 % of boundaries were more than 0.2 s off; at or above
 * 0.5, 1.2 % (`node bench/boundary-confidence.mjs`).
 */
export const CHECK_BELOW = { segment: 0.8, boundary: 0.5 } as const
/** Below these the confidence reads "doubtful". Boundaries below 0.3: 57 % more than 0.2 s off. */
export const DOUBT_BELOW = { segment: 0.55, boundary: 0.3 } as const

/** A place the aligner is unsure of: a boundary (between segment `index` and the next) or a segment. */
export interface UncertainPlace {
  kind: 'boundary' | 'segment'
  index: number
  /** Where it is: the boundary's time or the segment's start [seconds]. */
  time: number
  confidence: number
}

/**
 * The places to review, in time order: boundaries whose confidence is below `below.boundary` (locked
 * ones are the user's and are left out) and segments whose confidence is below `below.segment`.
 * Hand-edited ones have no confidence and are not listed.
 */
export function uncertainPlaces(
  segs: readonly SegmentDto[],
  locks: readonly number[] = [],
  below: { segment: number; boundary: number } = CHECK_BELOW,
): UncertainPlace[] {
  const out: UncertainPlace[] = []
  segs.forEach((s, i) => {
    const sc = s.startConfidence
    if (i > 0 && sc != null && sc < below.boundary && !isLocked(locks, s.start))
      out.push({ kind: 'boundary', index: i - 1, time: s.start, confidence: sc })
    if (s.confidence != null && s.confidence < below.segment)
      out.push({ kind: 'segment', index: i, time: s.start, confidence: s.confidence })
  })
  return out
}

/** Order of two places: by time, and at the same time a boundary before the segment it starts. */
function comparePlaces(
  a: { time: number; kind: UncertainPlace['kind'] },
  b: { time: number; kind: UncertainPlace['kind'] },
): number {
  if (Math.abs(a.time - b.time) > SAME_TIME) return a.time - b.time
  return (a.kind === 'segment' ? 1 : 0) - (b.kind === 'segment' ? 1 : 0)
}

/**
 * The uncertain place after (dir = 1) or before (dir = −1) a position, or null.
 * @param places as `uncertainPlaces` gives them (in order)
 * @param at the position: a time and the kind of place focused there, or null (the playback cursor:
 *   places within 1 ms of it count as here, not after or before)
 */
export function adjacentUncertain(
  places: readonly UncertainPlace[],
  at: { time: number; kind: UncertainPlace['kind'] | null },
  dir: 1 | -1,
): UncertainPlace | null {
  const side = (p: UncertainPlace) =>
    at.kind === null
      ? Math.abs(p.time - at.time) <= SAME_TIME
        ? 0
        : p.time - at.time
      : comparePlaces(p, { time: at.time, kind: at.kind })
  if (dir > 0) return places.find((p) => side(p) > 0) ?? null
  for (let i = places.length - 1; i >= 0; i--) if (side(places[i]!) < 0) return places[i]!
  return null
}
