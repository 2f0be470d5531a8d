/**
 * Local cost matrices between two sequences of vectors and their gradients (the chain rule from
 * ∂L/∂C to ∂L/∂x and ∂L/∂y). x is N×d (frames), y is M×d (targets), both row-major Float64Array;
 * C(i, j) = c(x_i, y_j) is N×M row-major.
 */
import { DtwInputError } from './errors'

/**
 * - 'sqeuclidean': ‖x_i − y_j‖² (seed eq. 2.1);
 * - 'cosine': 1 − ⟨x_i, y_j⟩ / (max(‖x_i‖, ε)·max(‖y_j‖, ε));
 * - 'bce': −Σ_k [y_jk log p_ik + (1 − y_jk) log(1 − p_ik)], p = clamp(x, ε, 1 − ε) (x: probabilities,
 *   y: targets in [0, 1]);
 * - 'nll': −Σ_k y_jk log max(x_ik, ε) (x: probabilities, y: target distributions or one-hot).
 */
export type DtwCostName = 'sqeuclidean' | 'cosine' | 'bce' | 'nll'

export interface CostOptions {
  /** Local cost between x_i and y_j. Default 'sqeuclidean'. */
  cost: DtwCostName
  /** ε of the clamps in 'cosine' (norms), 'bce' and 'nll' (probabilities) [1]. Default 1e-7. */
  costEps: number
}

export const defaultCostOptions: CostOptions = { cost: 'sqeuclidean', costEps: 1e-7 }

export const COST_NAMES: readonly DtwCostName[] = ['sqeuclidean', 'cosine', 'bce', 'nll']

/** Validate the options and the sequences (finite; probability ranges for bce / nll). */
export function resolveCostOptions(opts: Partial<CostOptions> = {}): CostOptions {
  const o: CostOptions = Object.assign({}, defaultCostOptions, opts)
  if (!COST_NAMES.includes(o.cost))
    throw new DtwInputError(`cost must be one of ${COST_NAMES.join(', ')}, got ${JSON.stringify(o.cost)}`)
  if (!(o.costEps > 0 && o.costEps < 0.5))
    throw new DtwInputError(`costEps must be in (0, 0.5), got ${String(o.costEps)}`)
  return o
}

/** Throws DtwInputError when x or y do not suit the cost. */
export function checkSequences(x: Float64Array, y: Float64Array, d: number, cost: DtwCostName): void {
  if (!Number.isInteger(d) || d < 1) throw new DtwInputError(`dimension d must be an integer ≥ 1, got ${d}`)
  for (const [name, s] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (s.length === 0 || s.length % d !== 0)
      throw new DtwInputError(`${name} has ${s.length} values, not a non-empty multiple of d = ${d}`)
    for (let k = 0; k < s.length; k++) {
      const v = s[k]!
      if (!Number.isFinite(v))
        throw new DtwInputError(`${name}[${Math.floor(k / d)}][${k % d}] is ${v}; sequences must be finite`)
      if ((cost === 'bce' || cost === 'nll') && v < 0)
        throw new DtwInputError(
          `${name}[${Math.floor(k / d)}][${k % d}] = ${v} < 0; ${cost} needs probabilities`,
        )
      if (cost === 'bce' && v > 1)
        throw new DtwInputError(
          `${name}[${Math.floor(k / d)}][${k % d}] = ${v} > 1; bce needs values in [0, 1]`,
        )
    }
  }
}

/**
 * The cost matrix C = c(x_i, y_j).
 * @param x N×d row-major
 * @param y M×d row-major
 * @param d vector dimension
 * @returns C, N×M row-major
 * @example costMatrix(Float64Array.of(0, 1), Float64Array.of(1), 1) // → [1, 0]
 */
export function costMatrix(
  x: Float64Array,
  y: Float64Array,
  d: number,
  opts: Partial<CostOptions> = {},
): Float64Array {
  const o = resolveCostOptions(opts)
  const N = x.length / d
  const M = y.length / d
  const C = new Float64Array(N * M)
  const eps = o.costEps
  if (o.cost === 'sqeuclidean') {
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) {
        let s = 0
        for (let k = 0; k < d; k++) {
          const t = x[i * d + k]! - y[j * d + k]!
          s += t * t
        }
        C[i * M + j] = s
      }
  } else if (o.cost === 'cosine') {
    const nx = norms(x, N, d, eps)
    const ny = norms(y, M, d, eps)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) C[i * M + j] = 1 - dot(x, i, y, j, d) / (nx[i]! * ny[j]!)
  } else if (o.cost === 'bce') {
    // C = −Σ_k [y log p + (1−y) log(1−p)] = −Σ_k log(1−p) − Σ_k y·(log p − log(1−p))
    const lp = new Float64Array(N * d)
    const base = new Float64Array(N)
    for (let i = 0; i < N; i++)
      for (let k = 0; k < d; k++) {
        const p = clamp(x[i * d + k]!, eps, 1 - eps)
        lp[i * d + k] = Math.log(p) - Math.log1p(-p)
        base[i] = base[i]! - Math.log1p(-p)
      }
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) {
        let s = base[i]!
        for (let k = 0; k < d; k++) s -= y[j * d + k]! * lp[i * d + k]!
        C[i * M + j] = s
      }
  } else {
    const lp = new Float64Array(N * d)
    for (let k = 0; k < N * d; k++) lp[k] = Math.log(Math.max(x[k]!, eps))
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) {
        let s = 0
        for (let k = 0; k < d; k++) s -= y[j * d + k]! * lp[i * d + k]!
        C[i * M + j] = s
      }
  }
  return C
}

/**
 * Chain rule through the cost: given G = ∂L/∂C (N×M), add ∂L/∂x (N×d) to gx and ∂L/∂y (M×d) to gy.
 * Clamped entries (bce, nll below ε) get gradient 0, as the clamp's derivative is 0 there.
 */
export function costBackward(
  x: Float64Array,
  y: Float64Array,
  d: number,
  G: Float64Array,
  gx: Float64Array,
  gy: Float64Array,
  opts: Partial<CostOptions> = {},
): void {
  const o = resolveCostOptions(opts)
  const N = x.length / d
  const M = y.length / d
  const eps = o.costEps
  if (o.cost === 'sqeuclidean') {
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) {
        const g = G[i * M + j]!
        if (g === 0) continue
        for (let k = 0; k < d; k++) {
          const t = 2 * g * (x[i * d + k]! - y[j * d + k]!)
          gx[i * d + k] = gx[i * d + k]! + t
          gy[j * d + k] = gy[j * d + k]! - t
        }
      }
  } else if (o.cost === 'cosine') {
    const nx = norms(x, N, d, eps)
    const ny = norms(y, M, d, eps)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) {
        const g = G[i * M + j]!
        if (g === 0) continue
        const a = nx[i]!
        const b = ny[j]!
        const s = dot(x, i, y, j, d)
        // ∂C/∂x = −y/(ab) + s·x/(a³b) when ‖x‖ ≥ ε (a = ‖x‖), −y/(ab) when a is the clamp ε
        const cx = rawNorm(x, i, d) >= eps ? s / (a * a * a * b) : 0
        const cy = rawNorm(y, j, d) >= eps ? s / (a * b * b * b) : 0
        for (let k = 0; k < d; k++) {
          const xk = x[i * d + k]!
          const yk = y[j * d + k]!
          gx[i * d + k] = gx[i * d + k]! + g * (-yk / (a * b) + cx * xk)
          gy[j * d + k] = gy[j * d + k]! + g * (-xk / (a * b) + cy * yk)
        }
      }
  } else if (o.cost === 'bce') {
    for (let i = 0; i < N; i++)
      for (let k = 0; k < d; k++) {
        const xv = x[i * d + k]!
        const p = clamp(xv, eps, 1 - eps)
        const inside = xv > eps && xv < 1 - eps
        const lp = Math.log(p) - Math.log1p(-p)
        let sx = 0
        for (let j = 0; j < M; j++) {
          const g = G[i * M + j]!
          if (g === 0) continue
          const yv = y[j * d + k]!
          // ∂C/∂p = −y/p + (1−y)/(1−p); ∂C/∂y = −(log p − log(1−p))
          if (inside) sx += g * (-yv / p + (1 - yv) / (1 - p))
          gy[j * d + k] = gy[j * d + k]! - g * lp
        }
        gx[i * d + k] = gx[i * d + k]! + sx
      }
  } else {
    for (let i = 0; i < N; i++)
      for (let k = 0; k < d; k++) {
        const xv = x[i * d + k]!
        const inside = xv > eps
        const lp = Math.log(Math.max(xv, eps))
        let sx = 0
        for (let j = 0; j < M; j++) {
          const g = G[i * M + j]!
          if (g === 0) continue
          const yv = y[j * d + k]!
          if (inside) sx -= (g * yv) / xv
          gy[j * d + k] = gy[j * d + k]! - g * lp
        }
        gx[i * d + k] = gx[i * d + k]! + sx
      }
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi)
}

function dot(x: Float64Array, i: number, y: Float64Array, j: number, d: number): number {
  let s = 0
  for (let k = 0; k < d; k++) s += x[i * d + k]! * y[j * d + k]!
  return s
}

function rawNorm(x: Float64Array, i: number, d: number): number {
  let s = 0
  for (let k = 0; k < d; k++) s += x[i * d + k]! * x[i * d + k]!
  return Math.sqrt(s)
}

function norms(x: Float64Array, n: number, d: number, eps: number): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.max(rawNorm(x, i, d), eps)
  return out
}
