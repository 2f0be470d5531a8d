/**
 * Independent float64 references for the model tests: soft-DTW (seed Alg. 1–2, straightforward loops)
 * as a `SoftDtwEngine`, and finite differences.
 */
import type { SoftDtwEngine } from '../../../src/core/model'

/** softmin_γ(a, b, c) = −γ log Σ exp(−s/γ), stable. */
function softmin(a: number, b: number, c: number, gamma: number): number {
  const m = Math.min(a, b, c)
  if (m === Number.POSITIVE_INFINITY) return m
  const s = Math.exp(-(a - m) / gamma) + Math.exp(-(b - m) / gamma) + Math.exp(-(c - m) / gamma)
  return m - gamma * Math.log(s)
}

/**
 * Soft-DTW of one n×m cost matrix (row-major, stride `stride`): value and E = ∂value/∂C (n×m).
 * E by the backward recursion over the soft-min weights (R in (n+2)×(m+2) with the seed's padding).
 */
export function refSoftDtw(
  C: ArrayLike<number>,
  n: number,
  m: number,
  gamma: number,
  stride = m,
): { value: number; E: Float64Array } {
  const W = m + 2
  const R = new Float64Array((n + 2) * W).fill(Number.POSITIVE_INFINITY)
  R[0] = 0
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++)
      R[i * W + j] =
        C[(i - 1) * stride + (j - 1)]! +
        softmin(R[(i - 1) * W + j]!, R[i * W + j - 1]!, R[(i - 1) * W + j - 1]!, gamma)
  const value = R[n * W + m]!
  // E(i,j) = Σ_succ E(succ) · exp((R(succ) − C(succ) − R(i,j)) / γ)
  const E = new Float64Array((n + 2) * W)
  E[n * W + m] = 1
  const cost = (i: number, j: number) => C[(i - 1) * stride + (j - 1)]!
  for (let i = n; i >= 1; i--)
    for (let j = m; j >= 1; j--) {
      if (i === n && j === m) continue
      let e = 0
      const r = R[i * W + j]!
      if (i + 1 <= n) e += E[(i + 1) * W + j]! * Math.exp((R[(i + 1) * W + j]! - cost(i + 1, j) - r) / gamma)
      if (j + 1 <= m) e += E[i * W + j + 1]! * Math.exp((R[i * W + j + 1]! - cost(i, j + 1) - r) / gamma)
      if (i + 1 <= n && j + 1 <= m)
        e += E[(i + 1) * W + j + 1]! * Math.exp((R[(i + 1) * W + j + 1]! - cost(i + 1, j + 1) - r) / gamma)
      E[i * W + j] = e
    }
  const out = new Float64Array(n * m)
  for (let i = 1; i <= n; i++) for (let j = 1; j <= m; j++) out[(i - 1) * m + (j - 1)] = E[i * W + j]!
  return { value, E: out }
}

/** The reference as a batched engine (per-item lengths; E zero outside each block). */
export const referenceEngine: SoftDtwEngine = {
  name: 'reference',
  softDtwBatch(C, B, N, M, n, m, gamma) {
    const values = new Float64Array(B)
    const E = new Float64Array(B * N * M)
    for (let b = 0; b < B; b++) {
      const block = C.subarray(b * N * M, (b + 1) * N * M)
      const r = refSoftDtw(block, n[b]!, m[b]!, gamma, M)
      values[b] = r.value
      for (let i = 0; i < n[b]!; i++)
        for (let j = 0; j < m[b]!; j++) E[(b * N + i) * M + j] = r.E[i * m[b]! + j]!
    }
    return { values, E }
  },
}

/** Central finite differences of f at x (float64), step h. */
export function finiteDiff(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length)
  const v = Float64Array.from(x)
  for (let i = 0; i < v.length; i++) {
    const o = v[i]!
    v[i] = o + h
    const a = f(v)
    v[i] = o - h
    const b = f(v)
    v[i] = o
    g[i] = (a - b) / (2 * h)
  }
  return g
}

/** Max |a − b| / (atol + rtol·|b|) ≤ 1 check helper: returns the worst ratio. */
export function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let worst = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Number.POSITIVE_INFINITY
    worst = Math.max(worst, Math.abs(x - y) / (atol + rtol * Math.abs(y)))
  }
  return worst
}

/** Float64 softmax of rows of length k. */
export function softmaxRows(z: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(z.length)
  for (let r = 0; r < z.length / k; r++) {
    let mx = Number.NEGATIVE_INFINITY
    for (let c = 0; c < k; c++) mx = Math.max(mx, z[r * k + c]!)
    let s = 0
    for (let c = 0; c < k; c++) s += Math.exp(z[r * k + c]! - mx)
    for (let c = 0; c < k; c++) out[r * k + c] = Math.exp(z[r * k + c]! - mx) / s
  }
  return out
}
