/**
 * Segmentation quality: the directional Hamming distance of Harte (2010) behind MIREX's OverSeg,
 * UnderSeg and MeanSeg, ported from mir_eval 0.7 `chord.directional_hamming_distance`.
 */
import type { Interval } from './intervals'
import { validateIntervals } from './intervals'

/**
 * Directional Hamming distance from `ref` to `est`: the fraction of the reference span not covered by
 * the largest overlapping piece of `est` in each reference interval.
 *
 * Zero-length intervals are dropped first. mir_eval rejects them, yet its own `adjust_intervals`
 * can create one where an estimate has a boundary exactly at the reference end; a zero-length
 * interval adds no duration and no boundary inside any interval, so dropping it leaves the
 * value that mir_eval's formula gives.
 * @param ref intervals [seconds], sorted, non-overlapping
 * @param est intervals [seconds]
 * @returns distance in [0, 1]
 */
export function directionalHammingDistance(ref: readonly Interval[], est: readonly Interval[]): number {
  const r = ref.filter((s) => s.end !== s.start)
  const e = est.filter((s) => s.end !== s.start)
  validateIntervals(e)
  validateIntervals(r)
  for (let i = 1; i < r.length; i++)
    if (r[i - 1]!.end > r[i]!.start) throw new Error('chord intervals must not overlap')
  const ts = [...new Set(e.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b)
  let seg = 0
  let k = 0 // first boundary ≥ current start (reference intervals are sorted)
  for (const { start, end } of r) {
    while (k > 0 && ts[k - 1]! >= start) k--
    while (k < ts.length && ts[k]! < start) k++
    let prev = start
    let longest = 0
    let j = k
    for (; j < ts.length && ts[j]! < end; j++) {
      longest = Math.max(longest, ts[j]! - prev)
      prev = ts[j]!
    }
    longest = Math.max(longest, end - prev)
    seg += end - start - longest
    k = j
  }
  return seg / (r[r.length - 1]!.end - r[0]!.start)
}

/** MIREX OverSeg = 1 − d(ref → est): 1 when the estimate does not cut reference segments. */
export function overseg(ref: readonly Interval[], est: readonly Interval[]): number {
  return 1 - directionalHammingDistance(ref, est)
}

/** MIREX UnderSeg = 1 − d(est → ref): 1 when the estimate does not merge reference segments. */
export function underseg(ref: readonly Interval[], est: readonly Interval[]): number {
  return 1 - directionalHammingDistance(est, ref)
}

/** MIREX MeanSeg (mir_eval `seg`) = min(OverSeg, UnderSeg). */
export function seg(ref: readonly Interval[], est: readonly Interval[]): number {
  return Math.min(underseg(ref, est), overseg(ref, est))
}
