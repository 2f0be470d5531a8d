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
 * least MIN_SEGMENT. The two segments become hand-edited (confidence null).
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
  out[b + 1] = { ...right, start: time, confidence: null }
  return out
}

/** Split segment i at time t (both halves keep its label); unchanged when t is too near an edge. */
export function splitAt(segs: readonly SegmentDto[], i: number, t: number): SegmentDto[] {
  const s = segs[i]
  if (!s || t < s.start + MIN_SEGMENT || t > s.end - MIN_SEGMENT) return [...segs]
  const out = [...segs]
  out.splice(i, 1, { ...s, end: t, confidence: null }, { ...s, start: t, confidence: null })
  return out
}

/** Merge segment i with segment i+1; the merged segment keeps segment i's label. */
export function mergeWithNext(segs: readonly SegmentDto[], i: number): SegmentDto[] {
  const a = segs[i]
  const b = segs[i + 1]
  if (!a || !b) return [...segs]
  const out = [...segs]
  out.splice(i, 2, { start: a.start, end: b.end, label: a.label, confidence: null })
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
