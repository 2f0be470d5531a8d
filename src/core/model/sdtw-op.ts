/**
 * Soft-DTW as a tfjs op with its own gradient (seed Alg. 1–2; STYLE.md §5).
 *
 * The forward pass copies the cost batch to the CPU once (`dataSync`), runs the soft-DTW engine, and
 * saves E = ∂ sdtw / ∂ C (the expected alignment, seed Eq. 2.4–2.9); the gradient is dy · E. The cost
 * itself is computed in tfjs (e.g. squared Euclidean between prediction and target vectors,
 * `squaredEuclideanCost`), so the gradient flows on to the model through it.
 */
import * as tf from '@tensorflow/tfjs'

/** Result of a batched soft-DTW run. */
export interface SoftDtwBatchResult {
  /** Soft-DTW value of each item, length B. */
  values: ArrayLike<number>
  /** ∂ value_b / ∂ C_b: B×N×M row-major like C; zero outside each item's n_b × m_b block. */
  E: Float32Array | Float64Array
}

/**
 * A soft-DTW engine over a batch of cost matrices with per-item lengths (the seed's steps
 * (1,0), (0,1), (1,1); start at (0,0), end at (n_b−1, m_b−1)).
 */
export interface SoftDtwEngine {
  /** Short name for reports (`ts`, `native`, `cuda`, `reference` …). */
  readonly name: string
  /**
   * @param C costs, B×N×M row-major; item b uses the top-left n[b]×m[b] block
   * @param B batch size
   * @param N rows of the padded block (max n)
   * @param M columns of the padded block (max m)
   * @param n rows per item
   * @param m columns per item
   * @param gamma soft-min smoothing γ > 0
   */
  softDtwBatch(
    C: Float32Array,
    B: number,
    N: number,
    M: number,
    n: Int32Array,
    m: Int32Array,
    gamma: number,
  ): SoftDtwBatchResult
}

function checkLengths(name: string, v: Int32Array, B: number, max: number): void {
  if (v.length !== B)
    throw new RangeError(`softDtw: ${name} must have one length per item (${B}), got ${v.length}`)
  for (let b = 0; b < B; b++)
    if (!(v[b]! >= 1 && v[b]! <= max))
      throw new RangeError(`softDtw: ${name}[${b}] = ${v[b]} must lie in [1, ${max}]`)
}

/**
 * Soft-DTW values of a batch of cost matrices, differentiable w.r.t. the costs.
 * @param C costs B×N×M (float32)
 * @param n rows used per item (≤ N)
 * @param m columns used per item (≤ M)
 * @param gamma γ > 0
 * @param engine the soft-DTW engine
 * @returns values, length B
 */
export function softDtw(
  C: tf.Tensor3D,
  n: Int32Array,
  m: Int32Array,
  gamma: number,
  engine: SoftDtwEngine,
): tf.Tensor1D {
  if (C.rank !== 3) throw new RangeError(`softDtw: C must be B×N×M (rank 3), got rank ${C.rank}`)
  const [B, N, M] = C.shape
  checkLengths('n', n, B, N)
  checkLengths('m', m, B, M)
  if (!(gamma > 0) || !Number.isFinite(gamma))
    throw new RangeError(`softDtw: gamma must be a finite number > 0, got ${gamma}`)
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const c = args[0] as tf.Tensor
    const save = args[1] as tf.GradSaveFunc
    const data = c.dataSync() as Float32Array
    const r = engine.softDtwBatch(data, B, N, M, n, m, gamma)
    const values = Float32Array.from(r.values as ArrayLike<number>)
    for (let b = 0; b < B; b++)
      if (!Number.isFinite(values[b]!))
        throw new Error(`softDtw: non-finite value for item ${b} (${values[b]})`)
    const E = r.E instanceof Float32Array ? r.E : Float32Array.from(r.E)
    save([tf.tensor3d(E, [B, N, M])])
    return {
      value: tf.tensor1d(values),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.reshape(dy, [B, 1, 1]), saved[0]!)],
    }
  })
  return tf.tidy(() => op(C) as tf.Tensor1D)
}

/**
 * Squared Euclidean costs between prediction and target vectors: C[b,i,j] = ‖X[b,i] − Y[b,j]‖² (seed
 * Eq. 2.1), computed as ‖x‖² + ‖y‖² − 2 x·y (float32 rounding may leave −1e-7 where x = y; harmless).
 * @param X predictions B×N×D
 * @param Y targets B×M×D
 * @returns B×N×M
 */
export function squaredEuclideanCost(X: tf.Tensor3D, Y: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const xx = tf.sum(tf.square(X), -1, true) // B×N×1
    const yy = tf.reshape(tf.sum(tf.square(Y), -1), [Y.shape[0], 1, Y.shape[1]]) // B×1×M
    const xy = tf.matMul(X, Y, false, true) // B×N×M
    return tf.sub(tf.add(xx, yy), tf.mul(xy, 2)) as tf.Tensor3D
  })
}
