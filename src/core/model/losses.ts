/**
 * The training losses (seed §4): binary cross-entropy on strong targets, categorical cross-entropy on
 * strong targets, soft-DTW (or the soft-DTW divergence) on coarse targets, CTC on the deduplicated sequence. Each returns a scalar
 * (the mean over the batch) and is differentiable w.r.t. the model output.
 */
import * as tf from '@tensorflow/tfjs'
import { ctcLoss } from './ctc'
import { type SoftDtwEngine, softDtw, softDtwSelf, softDtwToTargets, squaredEuclideanCost } from './sdtw-op'
import { diagonalPriorBatch, type LengthNormalization, lengthDivisor } from './stabilisers'

/** Probabilities are clipped to [ε, 1 − ε] inside logarithms. */
export const PROB_EPS = 1e-7

/**
 * Binary cross-entropy between softmax outputs and one-hot targets, summed over the classes and averaged
 * over the frames whose mask is 1 (N / X frames have mask 0).
 * @param probs B×T×24
 * @param targets B×T×24 one-hot
 * @param mask B×T (1 = scored frame)
 */
export function bceLoss(probs: tf.Tensor3D, targets: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(probs, PROB_EPS, 1 - PROB_EPS)
    const ll = tf.add(tf.mul(targets, tf.log(p)), tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, p))))
    const perFrame = tf.neg(tf.sum(ll, -1)) // B×T
    return tf.div(tf.sum(tf.mul(perFrame, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar
  })
}

/**
 * Categorical cross-entropy −Σ_k y_k log softmax(z)_k, averaged over the masked-in frames.
 * @param logits B×T×24
 * @param targets B×T×24 one-hot
 * @param mask B×T
 */
export function cceLoss(logits: tf.Tensor3D, targets: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const perFrame = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), -1))
    return tf.div(tf.sum(tf.mul(perFrame, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar
  })
}

/**
 * Above this many cost cells in a batch (B·N·M) the soft-DTW loss leaves tfjs for the CPU route
 * (`softDtwToTargets`): 4 Mi float32 cells are 16 MB per tensor, and the cost, the prior, E and their
 * intermediates are several of them — tfjs-wasm aborted on unfolded whole songs (5 × 4000 × 4000).
 */
export const MAX_TENSOR_CELLS = 4 * 1024 * 1024

/** Options of the soft-DTW loss. */
export interface SoftDtwLossOptions {
  /** Soft-min smoothing γ. */
  gamma: number
  /** Diagonal prior weight for this step (0 = none). */
  priorWeight: number
  /** Per-item length normalisation. */
  normalize: LengthNormalization
  /**
   * Soft-DTW divergence (Blondel, Mensch & Vert 2021) instead of soft-DTW: D(X, Y) = sdtw(X, Y) −
   * ½ sdtw(X, X) − ½ sdtw(Y, Y), which is ≥ 0 and 0 only for X = Y (soft-DTW itself is negative and
   * smallest for a blurred X). The diagonal prior is added to the cross term only. Default false.
   */
  divergence?: boolean
}

/**
 * Soft-DTW between predictions and coarse targets with squared Euclidean cost (seed Eq. 2.1–2.3),
 * mean over the batch.
 * @param probs B×N×24 predictions (softmax outputs)
 * @param targets B×M×24 one-hot target sequences (padded rows beyond m_b are ignored)
 * @param n frames per item
 * @param m target length per item
 */
export function softDtwLoss(
  probs: tf.Tensor3D,
  targets: tf.Tensor3D,
  n: Int32Array,
  m: Int32Array,
  options: SoftDtwLossOptions,
  engine: SoftDtwEngine,
): tf.Scalar {
  return tf.tidy(() => {
    const [B, N] = probs.shape
    const M = targets.shape[1]
    let values: tf.Tensor1D
    const onCpu = (cells: number) => cells > MAX_TENSOR_CELLS
    if (onCpu(B * N * M)) {
      // long targets (sequence unfolding of whole recordings: M = N): item by item, no B×N×M tensors
      values = softDtwToTargets(probs, targets, n, m, options.gamma, options.priorWeight, engine)
    } else {
      let C = squaredEuclideanCost(probs, targets)
      if (options.priorWeight > 0)
        C = tf.add(C, tf.tensor3d(diagonalPriorBatch(B, N, M, n, m, options.priorWeight), [B, N, M]))
      values = softDtw(C, n, m, options.gamma, engine)
    }
    if (options.divergence) {
      // the self term over whole recordings: n² cells per item, kept out of tfjs (softDtwSelf)
      const xx = softDtwSelf(probs, n, options.gamma, engine)
      // and the targets' self term when they are long (unfolded): M = N
      const yy = onCpu(B * M * M)
        ? softDtwSelf(targets, m, options.gamma, engine)
        : softDtw(squaredEuclideanCost(targets, targets), m, m, options.gamma, engine)
      values = tf.sub(values, tf.mul(0.5, tf.add(xx, yy)))
    }
    const div = new Float32Array(B)
    for (let b = 0; b < B; b++) div[b] = 1 / lengthDivisor(options.normalize, n[b]!, m[b]!)
    return tf.mean(tf.mul(values, tf.tensor1d(div))) as tf.Scalar
  })
}

/**
 * CTC loss (mean negative log-likelihood over the batch).
 * @param logits B×T×C (C = 25 with the blank at 24, or 24 for the blank-free lattice)
 * @param labels deduplicated sequence per item
 * @param n frames per item
 * @param blank blank index or -1
 */
export function ctcBatchLoss(
  logits: tf.Tensor3D,
  labels: readonly (readonly number[])[],
  n: Int32Array,
  blank: number,
): tf.Scalar {
  return tf.tidy(() => tf.mean(ctcLoss(tf.logSoftmax(logits) as tf.Tensor3D, labels, n, blank)) as tf.Scalar)
}
