/**
 * The DTW engine's entry points: one cost matrix (softDtw) or a batch of them (dtwBatch), over the
 * backend chosen by `opts.backend`. Conventions in options.ts (C: N×M row-major, i over x, j over y).
 */

import { selectDtwBackend } from './backend'
import { bandRows } from './band'
import { DtwInputError } from './errors'
import * as k64 from './kernels.f64'
import { type DtwOptions, type ResolvedDtwOptions, resolveDtwOptions } from './options'
import type { DtwBatch, DtwBatchInfo, DtwBatchResult, FloatArray } from './types'

/** The result of one DTW problem. */
export interface DtwResult<T extends FloatArray = FloatArray> {
  /** Soft-DTW value (γ > 0) or DTW cost (γ = 0), normalised as asked; +Infinity if no path is admissible. */
  value: number
  /** ∂value/∂C, N×M row-major, same storage type as C (soft: E; hard: the path matrix). */
  grad?: T
  /** Hard DTW: the optimal warping path, [i, j] from the start cell to the end cell. */
  path?: [number, number][]
  /** The backend that computed it. */
  backend: string
}

/** A batch result plus the backend that computed it and why. */
export interface DtwBatchRun<T extends FloatArray = FloatArray> extends DtwBatchResult<T> {
  backend: string
  reason: string
}

/**
 * Soft-DTW (seed Alg. 1–2) or, with `gamma: 0`, hard DTW of one cost matrix.
 * @param C cost, N×M row-major (C(i, j) = c(x_i, y_j)), Float64Array or Float32Array
 * @param N rows (length of x, frames)
 * @param M columns (length of y, targets)
 * @param opts DtwOptions (defaults: γ = 1, seed steps, no band, closed ends, gradient on)
 * @returns value, grad (N×M, = E), path (hard only)
 * @example
 *   const { value, grad } = softDtw(new Float64Array([0, 1, 1, 0]), 2, 2, { gamma: 0.1 })
 */
export function softDtw<T extends FloatArray>(
  C: T,
  N: number,
  M: number,
  opts: Partial<DtwOptions> = {},
): DtwResult<T> {
  checkDims(N, M, C.length, 'C')
  const batch: DtwBatch<T> = {
    cost: C,
    n: Int32Array.of(N),
    m: Int32Array.of(M),
    offset: Float64Array.of(0),
    stride: Int32Array.of(M),
  }
  const r = dtwBatch(batch, opts)
  const out: DtwResult<T> = { value: r.values[0]!, backend: r.backend }
  if (r.grad) out.grad = r.grad
  if (r.paths) {
    const p = r.paths[0]!
    const path: [number, number][] = []
    for (let k = 0; k < p.length; k += 2) path.push([p[k]!, p[k + 1]!])
    out.path = path
  }
  return out
}

/** Hard DTW (γ = 0): the minimal cost, the optimal path and its 0/1 matrix as gradient. */
export function hardDtw<T extends FloatArray>(
  C: T,
  N: number,
  M: number,
  opts: Partial<DtwOptions> = {},
): DtwResult<T> {
  return softDtw(C, N, M, { ...opts, gamma: 0 })
}

/**
 * A batch of DTW problems with different sizes in one call (one backend call, no padding artefacts).
 * @param batch flat costs + per-item n, m, offset, stride (see packBatch / paddedBatch)
 * @returns values [B], grad (same layout as the costs) and paths (hard), plus the backend used
 */
export function dtwBatch<T extends FloatArray>(
  batch: DtwBatch<T>,
  opts: Partial<DtwOptions> = {},
): DtwBatchRun<T> {
  const o = resolveDtwOptions(opts)
  const info = checkBatch(batch, o)
  const { backend, reason } = selectDtwBackend(o.backend, o, info)
  return { ...backend.run(batch, o), backend: backend.name, reason }
}

/** dtwBatch, using the backend's asynchronous path when it has one. */
export async function dtwBatchAsync<T extends FloatArray>(
  batch: DtwBatch<T>,
  opts: Partial<DtwOptions> = {},
): Promise<DtwBatchRun<T>> {
  const o = resolveDtwOptions(opts)
  const info = checkBatch(batch, o)
  const { backend, reason } = selectDtwBackend(o.backend, o, info)
  const r = backend.runAsync ? await backend.runAsync(batch, o) : backend.run(batch, o)
  return { ...r, backend: backend.name, reason }
}

/**
 * Concatenate cost matrices into one packed batch (copies them into one buffer of the first item's type).
 * @param items each { cost: N×M row-major, n: N, m: M }
 */
export function packBatch<T extends FloatArray>(
  items: readonly { cost: T; n: number; m: number }[],
): DtwBatch<T> {
  const B = items.length
  const n = new Int32Array(B)
  const m = new Int32Array(B)
  const offset = new Float64Array(B)
  let total = 0
  items.forEach((it, b) => {
    checkDims(it.n, it.m, it.cost.length, `items[${b}].cost`)
    n[b] = it.n
    m[b] = it.m
    offset[b] = total
    total += it.n * it.m
  })
  const Ctor = (items[0]?.cost instanceof Float32Array ? Float32Array : Float64Array) as unknown as {
    new (n: number): T
  }
  const cost = new Ctor(total)
  items.forEach((it, b) => {
    cost.set(it.cost, offset[b]!)
  })
  return { cost, n, m, offset, stride: Int32Array.from(m) }
}

/**
 * A batch over a padded [B, maxN, maxM] buffer (e.g. a tfjs tensor's dataSync()): item b uses the
 * top-left n[b]×m[b] block of its slice; padding is never read and gets gradient 0.
 */
export function paddedBatch<T extends FloatArray>(
  cost: T,
  n: ArrayLike<number>,
  m: ArrayLike<number>,
  maxN: number,
  maxM: number,
): DtwBatch<T> {
  const B = n.length
  if (m.length !== B) throw new DtwInputError(`n has ${B} items but m has ${m.length}`)
  if (cost.length !== B * maxN * maxM)
    throw new DtwInputError(`cost has ${cost.length} elements, expected B·maxN·maxM = ${B * maxN * maxM}`)
  const offset = new Float64Array(B)
  for (let b = 0; b < B; b++) {
    offset[b] = b * maxN * maxM
    if (n[b]! > maxN || m[b]! > maxM)
      throw new DtwInputError(`item ${b} is ${n[b]}×${m[b]}, larger than the padded ${maxN}×${maxM}`)
  }
  return { cost, n: Int32Array.from(n), m: Int32Array.from(m), offset, stride: new Int32Array(B).fill(maxM) }
}

/**
 * The accumulated cost matrix R (seed Alg. 1's D), N×M row-major, R(i, j) including C(i, j); +∞ where
 * no admissible path reaches. For inspection and display (not the fast path: O(N·M) memory).
 */
export function accumulatedCost(
  C: FloatArray,
  N: number,
  M: number,
  opts: Partial<DtwOptions> = {},
): Float64Array {
  checkDims(N, M, C.length, 'C')
  const o = resolveDtwOptions(opts)
  const C64 = C instanceof Float64Array ? C : Float64Array.from(C)
  checkBatch(
    {
      cost: C64,
      n: Int32Array.of(N),
      m: Int32Array.of(M),
      offset: Float64Array.of(0),
      stride: Int32Array.of(M),
    },
    o,
  )
  const band = o.band === null ? null : bandRows(N, M, o.band)
  const R = new Float64Array(N * M).fill(Number.POSITIVE_INFINITY)
  const P = o.maxDi + 1
  const prior = o.diagonalPrior
  k64.genericForward(
    C64,
    0,
    M,
    1,
    N,
    M,
    false,
    o.stepCount,
    o.stepDi,
    o.stepDj,
    o.stepWeight,
    o.stepPenalty,
    o.gamma,
    band ? band.lo : null,
    band ? band.hi : null,
    o.openBegin,
    o.openEnd,
    prior ? prior.weight : 0,
    prior ? 1 / (2 * prior.width * prior.width) : 0,
    new Float64Array(P * M),
    P,
    new Int32Array(P),
    new Int32Array(P),
    new Float64Array(P),
    new Int32Array(o.stepCount),
    new Float64Array(o.stepCount),
    new Float64Array(o.stepCount + 1),
    null,
    0,
    null,
    null,
    null,
    R,
  )
  return R
}

function checkDims(N: number, M: number, length: number, name: string): void {
  if (!Number.isInteger(N) || !Number.isInteger(M) || N < 1 || M < 1)
    throw new DtwInputError(`${name}: N and M must be integers ≥ 1, got ${N}×${M}`)
  if (length !== N * M)
    throw new DtwInputError(`${name} has ${length} elements, expected N·M = ${N}·${M} = ${N * M}`)
}

/** Check shapes (and, with opts.validate, that no cell is NaN or −∞); returns the batch summary. */
export function checkBatch(batch: DtwBatch, opts: ResolvedDtwOptions): DtwBatchInfo {
  const { cost, n, m, offset, stride } = batch
  if (!(cost instanceof Float64Array || cost instanceof Float32Array))
    throw new DtwInputError('cost must be a Float64Array or a Float32Array')
  const B = n.length
  if (m.length !== B || offset.length !== B || stride.length !== B)
    throw new DtwInputError(
      `batch arrays disagree: n has ${B} items, m ${m.length}, offset ${offset.length}, stride ${stride.length}`,
    )
  let cells = 0
  let maxN = 0
  let maxM = 0
  for (let b = 0; b < B; b++) {
    const N = n[b]!
    const M = m[b]!
    const off = offset[b]!
    const s = stride[b]!
    if (N < 1 || M < 1)
      throw new DtwInputError(`item ${b}: empty cost matrix (${N}×${M}); N and M must be ≥ 1`)
    if (s < M) throw new DtwInputError(`item ${b}: row stride ${s} is smaller than M = ${M}`)
    if (!Number.isInteger(off) || off < 0 || off + (N - 1) * s + M > cost.length)
      throw new DtwInputError(
        `item ${b}: offset ${off} with ${N}×${M} (stride ${s}) overruns the cost buffer`,
      )
    cells += N * M
    if (N > maxN) maxN = N
    if (M > maxM) maxM = M
    if (opts.validate) {
      for (let i = 0; i < N; i++) {
        const row = off + i * s
        for (let j = 0; j < M; j++) {
          const c = cost[row + j]!
          if (!(c > Number.NEGATIVE_INFINITY))
            throw new DtwInputError(
              `item ${b}: C(${i}, ${j}) is ${c}; costs must be numbers, +Infinity for a forbidden cell (NaN and -Infinity are not allowed)`,
            )
        }
      }
    }
  }
  return { dtype: cost instanceof Float32Array ? 'float32' : 'float64', items: B, cells, maxN, maxM }
}
