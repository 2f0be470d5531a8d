/**
 * Frame-wise precision / recall / F-measure over the 24 chord classes, as the seed computes its test
 * F1 (libfmp C5 `compute_eval_measures` on one-hot chord×frame matrices).
 *
 * Each frame contributes a one-hot column for the reference and one for the estimate; an N frame is an
 * all-zero column (libfmp with `nonchord=False`). So: TP = frames where reference = estimate ∈ chords;
 * estimated positives = frames with an estimated chord; reference positives = frames with a reference
 * chord. Labels outside maj/min (X, e.g. `C:sus4`) are no positives either, like N. An estimated
 * chord on an N or X reference frame is a false positive (it lowers precision only).
 * P = TP / est, R = TP / ref, F = 2PR / (P + R), all 0 when TP = 0. Counts add up, so scores over
 * several recordings are pooled by summing counts (every frame weighs the same).
 *
 * This is the definition of `framePrf` in `src/core/eval` (same grid t_k = k / frameRate), here on class
 * sequences so that 150-frame segments can be scored without building segments.
 */
import { isChordClass } from './targets'

/** Counts and scores. */
export interface FrameScores {
  tp: number
  /** Frames with an estimated chord. */
  estimated: number
  /** Frames with a reference chord. */
  reference: number
  precision: number
  recall: number
  f: number
}

function scores(tp: number, estimated: number, reference: number): FrameScores {
  if (tp === 0) return { tp, estimated, reference, precision: 0, recall: 0, f: 0 }
  const precision = tp / estimated
  const recall = tp / reference
  return { tp, estimated, reference, precision, recall, f: (2 * precision * recall) / (precision + recall) }
}

/**
 * Frame-wise scores of estimated classes against reference classes (same length).
 * @param ref reference class per frame (0..23, 24 = N, -1 = X)
 * @param est estimated class per frame (0..23, 24 = N, -1 = X)
 */
export function frameScores(ref: ArrayLike<number>, est: ArrayLike<number>): FrameScores {
  if (ref.length !== est.length)
    throw new RangeError(`frameScores: ${ref.length} reference vs ${est.length} estimated frames`)
  let tp = 0
  let e = 0
  let r = 0
  for (let t = 0; t < ref.length; t++) {
    const a = ref[t]!
    const b = est[t]!
    const ra = isChordClass(a)
    const eb = isChordClass(b)
    if (ra) r++
    if (eb) e++
    if (ra && a === b) tp++
  }
  return scores(tp, e, r)
}

/** Pool scores by summing their counts. */
export function poolScores(list: readonly FrameScores[]): FrameScores {
  let tp = 0
  let e = 0
  let r = 0
  for (const s of list) {
    tp += s.tp
    e += s.estimated
    r += s.reference
  }
  return scores(tp, e, r)
}
