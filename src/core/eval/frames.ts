/**
 * Frame-wise precision / recall / F-measure over the 24 major/minor classes, as in the seed report
 * (libfmp C5 `compute_eval_measures` on binary class × frame matrices).
 *
 * Definition. Both annotations are sampled on the grid t_k = k / frameRate, k = 0 … K−1,
 * K = ⌈span · frameRate⌉ over the reference span; frame k takes the label of the segment with
 * start ≤ t_k < end (the last such segment; none → N). Labels are reduced with `majminClass`
 * (mir_eval majmin rule). A frame is a *positive* of an annotation when its class is one of the 24
 * chords; N and labels outside maj/min (`C:sus4`, `X`) are not positives. Then
 * TP = frames where both are positive with the same class, FP = estimated positives − TP,
 * FN = reference positives − TP, P = TP/(TP+FP), R = TP/(TP+FN), F = 2PR/(P+R), all 0 when TP = 0.
 * So a chord estimated over a reference N is a false positive, and N estimated over a reference
 * chord is a false negative. With `includeN`, N becomes a 25th class (positive in both).
 */
import { majminClass, N_CLASS, parseHarte, type Segment } from '../chords'

export interface FramePrfOptions {
  /** Frame rate of the evaluation grid [frames/s]. Default 22050/2048 ≈ 10.77 (the seed's `fmp` chroma). */
  frameRate?: number
  /** Count N as a 25th class. Default false (the seed: N is no class). */
  includeN?: boolean
}

export const defaultFramePrfOptions: Required<FramePrfOptions> = {
  frameRate: 22050 / 2048,
  includeN: false,
}

export interface FramePrf {
  precision: number
  recall: number
  f: number
  tp: number
  fp: number
  fn: number
  frames: number
}

/** Class index of each grid frame [0..24, -1 excluded]. */
export function sampleClasses(segments: readonly Segment[], frames: number, frameRate: number): Int8Array {
  const out = new Int8Array(frames).fill(N_CLASS)
  const cache = new Map<string, number>()
  const cls = (l: string) => {
    let c = cache.get(l)
    if (c === undefined) {
      c = majminClass(parseHarte(l))
      cache.set(l, c)
    }
    return c
  }
  for (const s of segments) {
    const c = cls(s.label)
    const k0 = Math.max(0, Math.ceil(s.start * frameRate - 1e-9))
    for (let k = k0; k < frames && k / frameRate < s.end; k++) if (k / frameRate >= s.start) out[k] = c
  }
  return out
}

/**
 * Frame-wise P/R/F of an estimate against a reference (see the module doc for the exact definition).
 * @param ref reference segments [seconds]
 * @param est estimated segments [seconds]
 */
export function framePrf(
  ref: readonly Segment[],
  est: readonly Segment[],
  options: FramePrfOptions = {},
): FramePrf {
  const o = { ...defaultFramePrfOptions, ...options }
  if (ref.length === 0) throw new Error('the reference annotation is empty')
  let t0 = Number.POSITIVE_INFINITY
  let t1 = Number.NEGATIVE_INFINITY
  for (const s of ref) {
    t0 = Math.min(t0, s.start)
    t1 = Math.max(t1, s.end)
  }
  const frames = Math.max(0, Math.ceil(t1 * o.frameRate - 1e-9))
  const first = Math.max(0, Math.ceil(t0 * o.frameRate - 1e-9))
  const r = sampleClasses(ref, frames, o.frameRate)
  const e = sampleClasses(est, frames, o.frameRate)
  const positive = (c: number) => c >= 0 && (c < N_CLASS || (o.includeN && c === N_CLASS))
  let tp = 0
  let np = 0
  let rp = 0
  for (let k = first; k < frames; k++) {
    const pr = positive(r[k]!)
    const pe = positive(e[k]!)
    if (pr) rp++
    if (pe) np++
    if (pr && pe && r[k] === e[k]) tp++
  }
  const fp = np - tp
  const fn = rp - tp
  let precision = 0
  let recall = 0
  let f = 0
  if (tp > 0) {
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f = (2 * precision * recall) / (precision + recall)
  }
  return { precision, recall, f, tp, fp, fn, frames: frames - first }
}
