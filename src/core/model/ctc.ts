/**
 * Connectionist temporal classification (Graves et al. 2006) on a deduplicated chord sequence,
 * forward–backward in log space, and a tfjs op around it.
 *
 * Two lattices:
 * - with a blank class (standard CTC): states b, l₁, b, l₂, …, b; a path collapses to the labels by
 *   merging repeats and removing blanks; repeated labels need a blank between them.
 * - without a blank (`blank = -1`): states l₁ … l_K, each visited for ≥ 1 frame in order ("stay or
 *   advance"), i.e. the sum over all monotone segmentations of the T frames into K non-empty runs.
 *
 * nll = −log Σ_paths Π_t p_t(π_t). Its gradient w.r.t. the log-probabilities is −(state occupancy),
 * so through a log-softmax it gives the familiar softmax − occupancy.
 */
import * as tf from '@tensorflow/tfjs'

/** Negative log-likelihood and its gradient. */
export interface CtcResult {
  /** −log p(labels | x); +Infinity when no path fits (T too short). */
  nll: number
  /** ∂ nll / ∂ logp, T×C row-major (zeros when nll is infinite). */
  grad: Float64Array
}

/** log(e^a + e^b + e^c), −∞ terms allowed (one log, ≤ 3 exp). */
function lse3(a: number, b: number, c: number): number {
  const m = Math.max(a, b, c)
  if (m === Number.NEGATIVE_INFINITY) return m
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m))
}

/** Minimum number of frames the lattice needs for `labels`. */
export function ctcMinFrames(labels: readonly number[], blank: number): number {
  if (blank < 0) return labels.length
  let r = labels.length
  for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) r++
  return r
}

/**
 * CTC forward–backward for one item.
 * @param logp log-probabilities, T×C row-major (rows of length `stride`, default C)
 * @param T frames
 * @param C classes (including the blank if any)
 * @param labels target classes in [0, C), no blanks
 * @param blank blank class index, or -1 for the blank-free lattice
 * @param stride row stride of `logp` (≥ C) [entries]
 */
export function ctcForwardBackward(
  logp: ArrayLike<number>,
  T: number,
  C: number,
  labels: readonly number[],
  blank: number,
  stride = C,
): CtcResult {
  const K = labels.length
  for (const l of labels)
    if (!(Number.isInteger(l) && l >= 0 && l < C && l !== blank))
      throw new RangeError(`ctc: label ${l} is not a class in [0, ${C}) other than the blank`)
  const grad = new Float64Array(T * C)
  const S = blank >= 0 ? 2 * K + 1 : K
  if (S === 0 || T === 0 || ctcMinFrames(labels, blank) > T) return { nll: Number.POSITIVE_INFINITY, grad }
  const ext = new Int32Array(S)
  for (let s = 0; s < S; s++) ext[s] = blank >= 0 ? (s % 2 === 0 ? blank : labels[(s - 1) >> 1]!) : labels[s]!
  // skip allowed into s from s−2 (blank lattice only)
  const skip = new Uint8Array(S)
  if (blank >= 0) for (let s = 2; s < S; s++) skip[s] = ext[s] !== blank && ext[s] !== ext[s - 2] ? 1 : 0
  const NEG = Number.NEGATIVE_INFINITY
  const alpha = new Float64Array(T * S).fill(NEG)
  const beta = new Float64Array(T * S).fill(NEG)
  const lp = (t: number, s: number) => logp[t * stride + ext[s]!]!
  alpha[0] = lp(0, 0)
  if (blank >= 0 && S > 1) alpha[1] = lp(0, 1)
  for (let t = 1; t < T; t++) {
    const prev = (t - 1) * S
    for (let s = 0; s < S; s++) {
      const a = lse3(
        alpha[prev + s]!,
        s >= 1 ? alpha[prev + s - 1]! : NEG,
        skip[s] ? alpha[prev + s - 2]! : NEG,
      )
      alpha[t * S + s] = a === NEG ? NEG : a + lp(t, s)
    }
  }
  const last = (T - 1) * S
  const logP = lse3(alpha[last + S - 1]!, blank >= 0 && S > 1 ? alpha[last + S - 2]! : NEG, NEG)
  if (logP === NEG) return { nll: Number.POSITIVE_INFINITY, grad }
  beta[last + S - 1] = 0
  if (blank >= 0 && S > 1) beta[last + S - 2] = 0
  for (let t = T - 2; t >= 0; t--) {
    const next = (t + 1) * S
    for (let s = 0; s < S; s++)
      beta[t * S + s] = lse3(
        beta[next + s]! + lp(t + 1, s),
        s + 1 < S ? beta[next + s + 1]! + lp(t + 1, s + 1) : NEG,
        s + 2 < S && skip[s + 2] ? beta[next + s + 2]! + lp(t + 1, s + 2) : NEG,
      )
  }
  for (let t = 0; t < T; t++)
    for (let s = 0; s < S; s++) {
      const v = alpha[t * S + s]! + beta[t * S + s]! - logP
      if (v > -745) grad[t * C + ext[s]!] -= Math.exp(v)
    }
  return { nll: -logP, grad }
}

/**
 * CTC negative log-likelihoods of a batch, differentiable w.r.t. the log-probabilities.
 * @param logProbs B×T×C log-probabilities (log-softmax outputs)
 * @param labels target sequence per item
 * @param n frames used per item (≤ T)
 * @param blank blank index, or -1 for none
 * @returns nll per item, length B
 * @throws when an item's sequence cannot fit its frames
 */
export function ctcLoss(
  logProbs: tf.Tensor3D,
  labels: readonly (readonly number[])[],
  n: Int32Array,
  blank: number,
): tf.Tensor1D {
  const [B, T, C] = logProbs.shape
  if (labels.length !== B || n.length !== B)
    throw new RangeError(`ctcLoss: need one label sequence and one length per item (${B})`)
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const lp = args[0] as tf.Tensor
    const save = args[1] as tf.GradSaveFunc
    const data = lp.dataSync() as Float32Array
    const grads = new Float32Array(B * T * C)
    const nll = new Float32Array(B)
    for (let b = 0; b < B; b++) {
      const nb = n[b]!
      if (!(nb >= 1 && nb <= T)) throw new RangeError(`ctcLoss: n[${b}] = ${nb} must lie in [1, ${T}]`)
      const r = ctcForwardBackward(data.subarray(b * T * C, (b * T + nb) * C), nb, C, labels[b]!, blank)
      if (!Number.isFinite(r.nll))
        throw new RangeError(
          `ctcLoss: item ${b}: ${labels[b]!.length} labels cannot fit ${nb} frames${blank >= 0 ? ' (repeats need a blank between them)' : ''}`,
        )
      nll[b] = r.nll
      grads.set(r.grad, b * T * C)
    }
    save([tf.tensor3d(grads, [B, T, C])])
    return {
      value: tf.tensor1d(nll),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.reshape(dy, [B, 1, 1]), saved[0]!)],
    }
  })
  return tf.tidy(() => op(logProbs) as tf.Tensor1D)
}
