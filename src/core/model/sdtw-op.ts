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

/** The class of each of `rows` target rows when every one is one-hot (a single 1, zeros elsewhere), else null. */
function oneHotClasses(y: Float32Array, off: number, rows: number, D: number): Int32Array | null {
  const cls = new Int32Array(rows)
  for (let j = 0; j < rows; j++) {
    let c = -1
    for (let k = 0; k < D; k++) {
      const v = y[off + j * D + k]!
      if (v === 1 && c < 0) c = k
      else if (v !== 0) return null
    }
    if (c < 0) return null
    cls[j] = c
  }
  return cls
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
 * Most cells one item may have on the CPU route (`softDtwSelf`, `softDtwToTargets`): n·m ≤ this, about
 * 0.7 GB of cost, gradient and soft-min weights in float32 — a whole recording of ≈ 12 minutes at the
 * `fmp` rate against itself or against its unfolded sequence.
 */
export const MAX_SELF_CELLS = 64 * 1024 * 1024

/**
 * Soft-DTW of each item with the squared Euclidean cost, item by item on the CPU, differentiable w.r.t.
 * X: against constant targets Y (`Y` given) or against X itself (`Y` null, the divergence's self term).
 * The n_b × m_b costs (plus the diagonal prior, if any) are built in plain arrays, the engine runs on
 * one item at a time, and only ∂/∂X (B×N×D, small) is kept for the backward pass:
 *   against Y:  ∂ sdtw / ∂x_i = 2 Σ_j E_ij (x_i − y_j)
 *   self:       ∂ sdtw / ∂x_k = 2 Σ_j (E_kj + E_jk)(x_k − x_j)
 * So whole recordings of thousands of frames fit where B×N×M tensors would not (tfjs-wasm aborts on a
 * few hundred MB of them).
 */
function softDtwOnCpu(
  op: string,
  X: tf.Tensor3D,
  Y: { data: Float32Array; M: number } | null,
  n: Int32Array,
  m: Int32Array,
  gamma: number,
  priorWeight: number,
  engine: SoftDtwEngine,
): tf.Tensor1D {
  if (X.rank !== 3) throw new RangeError(`${op}: X must be B×N×D (rank 3), got rank ${X.rank}`)
  const [B, N, D] = X.shape
  const M = Y ? Y.M : N
  checkLengths('n', n, B, N)
  checkLengths('m', m, B, M)
  checkGamma(op, gamma)
  for (let b = 0; b < B; b++)
    if (n[b]! * m[b]! > MAX_SELF_CELLS)
      throw new RangeError(
        `${op}: item ${b} needs ${n[b]} × ${m[b]} cells, more than ${MAX_SELF_CELLS}: train on segments or use soft-DTW with a soft length for recordings this long`,
      )
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor
    const save = args[1] as tf.GradSaveFunc
    const xs = x.dataSync() as Float32Array
    const ys = Y ? Y.data : xs
    const values = new Float32Array(B)
    const grad = new Float32Array(B * N * D)
    for (let b = 0; b < B; b++) {
      const nb = n[b]!
      const mb = m[b]!
      const xb = b * N * D
      const yb = Y ? b * M * D : xb
      // one-hot targets (the soft-DTW losses' case): ‖x − e_c‖² = ‖x‖² − 2x_c + 1, O(1) per cell
      const cls = Y ? oneHotClasses(ys, yb, mb, D) : null
      const sq = new Float64Array(cls ? nb : 0)
      for (let i = 0; i < sq.length; i++) {
        let s2 = 0
        for (let k = 0; k < D; k++) s2 += xs[xb + i * D + k]! ** 2
        sq[i] = s2
      }
      const C = new Float32Array(nb * mb)
      for (let i = 0; i < nb; i++) {
        const u = nb > 1 ? i / (nb - 1) : 0
        const xi = xb + i * D
        for (let j = Y ? 0 : i; j < mb; j++) {
          let c = 0
          if (cls) c = Math.max(0, sq[i]! - 2 * xs[xi + cls[j]!]! + 1)
          else for (let k = 0; k < D; k++) c += (xs[xi + k]! - ys[yb + j * D + k]!) ** 2
          if (priorWeight !== 0) {
            const v = mb > 1 ? j / (mb - 1) : 0
            c += priorWeight * (u - v) * (u - v)
          }
          C[i * mb + j] = c
          if (!Y) C[j * mb + i] = c
        }
      }
      const r = engine.softDtwBatch(C, 1, nb, mb, Int32Array.of(nb), Int32Array.of(mb), gamma)
      const v = Number(r.values[0])
      if (!Number.isFinite(v)) throw new Error(`${op}: non-finite value for item ${b} (${v})`)
      values[b] = v
      const E = r.E
      if (cls) {
        // 2 Σ_j E_ij (x_i − e_{c_j}) = 2 (x_i Σ_j E_ij − Σ_j E_ij e_{c_j})
        for (let i = 0; i < nb; i++) {
          const gi = xb + i * D
          let row = 0
          for (let j = 0; j < mb; j++) {
            const e = E[i * mb + j]!
            row += e
            grad[gi + cls[j]!]! -= 2 * e
          }
          for (let k = 0; k < D; k++) grad[gi + k]! += 2 * row * xs[gi + k]!
        }
      } else if (Y) {
        for (let i = 0; i < nb; i++) {
          const gi = xb + i * D
          for (let j = 0; j < mb; j++) {
            const e = E[i * mb + j]!
            if (e === 0) continue
            const yj = yb + j * D
            for (let k = 0; k < D; k++) grad[gi + k]! += 2 * e * (xs[gi + k]! - ys[yj + k]!)
          }
        }
      } else {
        for (let i = 0; i < nb; i++) {
          const gi = xb + i * D
          for (let j = i + 1; j < nb; j++) {
            const e = E[i * nb + j]! + E[j * nb + i]!
            if (e === 0) continue
            const gj = xb + j * D
            for (let k = 0; k < D; k++) {
              const diff = 2 * e * (xs[gi + k]! - xs[gj + k]!)
              grad[gi + k]! += diff
              grad[gj + k]! -= diff
            }
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
  return tf.tidy(() => fn(X) as tf.Tensor1D)
}

/**
 * sdtw(X_b, X_b) of each item with the squared Euclidean cost, differentiable w.r.t. X — the self term
 * of the soft-DTW divergence — on the CPU route (`softDtwOnCpu`): never B×N×N tensors.
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
  return softDtwOnCpu('softDtwSelf', X, null, n, n, gamma, 0, engine)
}

/**
 * sdtw(X_b, Y_b) with the squared Euclidean cost plus `priorWeight`·(i/(n_b−1) − j/(m_b−1))², on the CPU
 * route: the same values and ∂/∂X as `softDtw(squaredEuclideanCost(X, Y) + prior, …)` without B×N×M
 * tensors — for long targets (sequence unfolding of whole recordings: M = N). Y is constant (targets).
 * @param X predictions B×N×D
 * @param Y targets B×M×D
 * @throws RangeError naming the item when n_b·m_b > MAX_SELF_CELLS
 */
export function softDtwToTargets(
  X: tf.Tensor3D,
  Y: tf.Tensor3D,
  n: Int32Array,
  m: Int32Array,
  gamma: number,
  priorWeight: number,
  engine: SoftDtwEngine,
): tf.Tensor1D {
  if (Y.rank !== 3 || Y.shape[0] !== X.shape[0] || Y.shape[2] !== X.shape[2])
    throw new RangeError(`softDtwToTargets: Y must be B×M×D like X (${X.shape}), got ${Y.shape}`)
  return softDtwOnCpu(
    'softDtwToTargets',
    X,
    { data: Y.dataSync() as Float32Array, M: Y.shape[1] },
    n,
    m,
    gamma,
    priorWeight,
    engine,
  )
}
