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

function checkGamma(op: string, gamma: number): void {
  if (!(gamma > 0) || !Number.isFinite(gamma))
    throw new RangeError(`${op}: gamma must be a finite number > 0, got ${gamma}`)
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
  checkGamma('softDtw', gamma)
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

/**
 * Most cells one item's self-alignment may have in `softDtwSelf` (n² ≤ this): about 0.7 GB of cost,
 * gradient and soft-min weights in float32, a whole recording of ≈ 12 minutes at the `fmp` rate.
 */
export const MAX_SELF_CELLS = 64 * 1024 * 1024

/**
 * sdtw(X_b, X_b) of each item with the squared Euclidean cost, differentiable w.r.t. X — the self term
 * of the soft-DTW divergence. Unlike `softDtw(squaredEuclideanCost(X, X), …)` it never holds the
 * B×N×N costs as tensors: each item's n_b × n_b costs are built on the CPU, the engine runs on them
 * one item at a time, and only ∂/∂X (B×N×D, small) is kept for the backward pass:
 *   ∂ sdtw / ∂x_k = 2 Σ_j (E_kj + E_jk)(x_k − x_j)   (C_ij = ‖x_i − x_j‖²).
 * So whole recordings of thousands of frames fit (memory O(n_b²) outside tfjs, one item at a time).
 * @param X predictions B×N×D (rows beyond n_b ignored)
 * @param n frames per item
 * @throws RangeError naming the item when n_b² > MAX_SELF_CELLS
 */
export function softDtwSelf(
  X: tf.Tensor3D,
  n: Int32Array,
  gamma: number,
  engine: SoftDtwEngine,
): tf.Tensor1D {
  if (X.rank !== 3) throw new RangeError(`softDtwSelf: X must be B×N×D (rank 3), got rank ${X.rank}`)
  const [B, N, D] = X.shape
  checkLengths('n', n, B, N)
  checkGamma('softDtwSelf', gamma)
  for (let b = 0; b < B; b++)
    if (n[b]! * n[b]! > MAX_SELF_CELLS)
      throw new RangeError(
        `the soft-DTW divergence needs ${n[b]}² cells for item ${b} (${n[b]} frames), more than ${MAX_SELF_CELLS}: train on segments or use soft-DTW for recordings this long`,
      )
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor
    const save = args[1] as tf.GradSaveFunc
    const data = x.dataSync() as Float32Array
    const values = new Float32Array(B)
    const grad = new Float32Array(B * N * D)
    for (let b = 0; b < B; b++) {
      const nb = n[b]!
      const base = b * N * D
      // C_ij = ‖x_i − x_j‖², nb×nb row-major
      const sq = new Float64Array(nb)
      for (let i = 0; i < nb; i++) {
        let s = 0
        for (let k = 0; k < D; k++) s += data[base + i * D + k]! ** 2
        sq[i] = s
      }
      const C = new Float32Array(nb * nb)
      for (let i = 0; i < nb; i++) {
        const xi = base + i * D
        for (let j = i; j < nb; j++) {
          const xj = base + j * D
          let dot = 0
          for (let k = 0; k < D; k++) dot += data[xi + k]! * data[xj + k]!
          const c = Math.max(0, sq[i]! + sq[j]! - 2 * dot)
          C[i * nb + j] = c
          C[j * nb + i] = c
        }
      }
      const r = engine.softDtwBatch(C, 1, nb, nb, Int32Array.of(nb), Int32Array.of(nb), gamma)
      const v = Number(r.values[0])
      if (!Number.isFinite(v)) throw new Error(`softDtwSelf: non-finite value for item ${b} (${v})`)
      values[b] = v
      // ∂/∂x_k = 2 Σ_j S_kj (x_k − x_j), S = E + Eᵀ
      const E = r.E
      for (let i = 0; i < nb; i++) {
        const gi = base + i * D
        for (let j = i + 1; j < nb; j++) {
          const s = E[i * nb + j]! + E[j * nb + i]!
          if (s === 0) continue
          const gj = base + j * D
          for (let k = 0; k < D; k++) {
            const diff = 2 * s * (data[gi + k]! - data[gj + k]!)
            grad[gi + k]! += diff
            grad[gj + k]! -= diff
          }
        }
      }
    }
    save([tf.tensor3d(grad, [B, N, D])])
    return {
      value: tf.tensor1d(values),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.reshape(dy, [B, 1, 1]), saved[0]!)],
    }
  })
  return tf.tidy(() => op(X) as tf.Tensor1D)
}
