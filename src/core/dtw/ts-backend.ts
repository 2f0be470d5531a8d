/**
 * The pure TypeScript DTW backend: single thread, runs everywhere (renderer, worker, CLI) and is the
 * reference the other backends are tested against. Dispatches each item of a batch to a kernel:
 * - soft, seed or stay/advance steps with unit weights (the training case): seedExpForward (exp
 *   domain, while its range allows) / seedSoftForward (log domain), then seedSoftBackward;
 * - value only (no gradient, no path): genericForward over the shorter axis, O(min(N, M)) memory;
 * - any other step set, soft or hard: genericForward + genericBackward / hardBacktrack.
 */
import { bandColumns, bandRows } from './band'
import * as k32 from './kernels.f32'
import * as k64 from './kernels.f64'
import { expNeg } from './math'
import { normalizer, type ResolvedDtwOptions } from './options'
import type { DtwBackend, DtwBatch, DtwBatchResult, FloatArray } from './types'

type Kernels = typeof k64
const INF = Number.POSITIVE_INFINITY

/** Reusable scratch buffers up to this many elements are kept between calls (larger: per call). */
const KEEP_SCRATCH = 1 << 22

class Scratch {
  private f64: Float64Array = new Float64Array(0)
  private f32: Float32Array = new Float32Array(0)
  /** Weight storage of at least `size` elements of the given type (finite values, maybe stale). */
  weights(size: number, f32: boolean): Float64Array {
    if (f32) {
      if (this.f32.length >= size) return this.f32 as unknown as Float64Array
      const a = new Float32Array(size)
      if (size <= KEEP_SCRATCH) this.f32 = a
      return a as unknown as Float64Array
    }
    if (this.f64.length >= size) return this.f64
    const a = new Float64Array(size)
    if (size <= KEEP_SCRATCH) this.f64 = a
    return a
  }
}
const scratch = new Scratch()
const seedState = new Float64Array(4)

/**
 * Kernel choices of the TS backend. `expDomain`: run the seed soft-DTW forward pass in the exponential
 * domain when its range allows (falls back to the log domain per item otherwise). Tests switch it off
 * to check both paths on the same inputs.
 */
export const tsKernelSettings = { expDomain: true }

/** Rows computed by each seed kernel since start (for tests and benchmarks: which path ran). */
export const tsKernelStats = { expRows: 0, logRows: 0 }

export const tsBackend: DtwBackend = {
  name: 'ts',
  priority: 0,
  threads: 1,
  supports: () => true,
  run: runTs,
}

function runTs<T extends FloatArray>(batch: DtwBatch<T>, opts: ResolvedDtwOptions): DtwBatchResult<T> {
  const f32 = batch.cost instanceof Float32Array
  const K: Kernels = f32 ? (k32 as unknown as Kernels) : k64
  const C = batch.cost as unknown as Float64Array
  const B = batch.n.length
  const hard = opts.gamma === 0
  const wantGrad = opts.grad
  const wantPath = hard && opts.path
  const values = new Float64Array(B)
  const grad = wantGrad ? (new (f32 ? Float32Array : Float64Array)(batch.cost.length) as T) : null
  const G = grad as unknown as Float64Array | null
  const paths: Int32Array[] | null = wantPath ? [] : null
  const prior = opts.diagonalPrior
  const priorW = prior ? prior.weight : 0
  const priorK = prior ? 1 / (2 * prior.width * prior.width) : 0
  const Ks = opts.stepCount
  const P = opts.maxDi + 1
  const cand = new Float64Array(Ks + 1)
  const predOff = new Int32Array(Ks)
  const ringLo = new Int32Array(Math.max(P, opts.maxDj + 1))
  const ringHi = new Int32Array(Math.max(P, opts.maxDj + 1))
  const ringB = new Float64Array(Math.max(P, opts.maxDj + 1))
  const predShift = new Float64Array(Ks)
  for (let b = 0; b < B; b++) {
    const N = batch.n[b]!
    const M = batch.m[b]!
    const off = batch.offset[b]!
    const stride = batch.stride[b]!
    const scale = 1 / normalizer(opts.normalize, N, M)
    const band = opts.band === null ? null : bandRows(N, M, opts.band)
    let raw: number
    if (!hard && (opts.seedSteps || opts.stayAdvanceSteps) && (wantGrad || N >= M)) {
      // the training kernel: seed steps, soft, unit weights
      const W = wantGrad ? scratch.weights(3 * ((N + 1) * M + 1), f32) : null
      const rA = new Float64Array(M + 1)
      const rB = new Float64Array(M + 1)
      const endR = wantGrad ? new Float64Array(N) : null
      const endB = wantGrad ? new Float64Array(N) : null
      // the log domain's offset of the end column (column frames only)
      let Gend = 0
      // rows in the exponential domain while its range allows, the rest in the log domain
      const st = seedState.fill(0)
      st[2] = INF
      let i0 = 0
      if (tsKernelSettings.expDomain)
        i0 = K.seedExpForward(
          C,
          off,
          stride,
          N,
          M,
          opts.gamma,
          band ? band.lo : null,
          band ? band.hi : null,
          opts.openBegin,
          opts.openEnd,
          opts.seedSteps,
          priorW,
          priorK,
          W,
          rA,
          rB,
          endR,
          endB,
          st,
        )
      tsKernelStats.expRows += i0
      tsKernelStats.logRows += N - i0
      if (i0 < N) {
        // column frames where paths need not cross every row once (see seedSoftForward); the exp
        // domain needs none (it keeps relative precision)
        const colMode = N < M || opts.openBegin || opts.openEnd
        const g = colMode ? columnCosts(C, off, stride, N, M, band) : null
        const colG = g === null ? null : prefixSums(g)
        if (colG !== null) Gend = colG[M - 1]!
        // the row i0 − 1 lies in rA when i0 is even, in rB when odd
        const last = i0 % 2 === 0 ? rA : rB
        const other = last === rA ? rB : rA
        if (i0 > 0) {
          st[1] = K.expRowToLog(
            last,
            M,
            band ? band.lo[i0 - 1]! : 0,
            band ? band.hi[i0 - 1]! : M - 1,
            opts.gamma,
          )
          // the exp domain ran in row frames: move its last row and the end cells to column frames
          if (colG !== null) st[1] = toColumnFrames(last, colG, M, endR, i0, st)
        }
        K.seedSoftForward(
          C,
          off,
          stride,
          N,
          M,
          opts.gamma,
          band ? band.lo : null,
          band ? band.hi : null,
          opts.openBegin,
          opts.openEnd,
          opts.seedSteps,
          priorW,
          priorK,
          g,
          W,
          last,
          other,
          endR,
          endB,
          i0,
          st,
        )
      }
      const online = st[2] === INF ? INF : st[2]! - opts.gamma * Math.log(st[3]!)
      raw =
        (endR !== null && endB !== null ? endValue(endR, endB, N, opts.gamma, opts.openEnd) : online) + Gend
      if (W !== null && G !== null && endR !== null && endB !== null && raw < INF) {
        K.seedSoftBackward(
          N,
          M,
          band ? band.lo : null,
          band ? band.hi : null,
          W,
          endWeights(endR, endB, N, opts.gamma, opts.openEnd),
          rA,
          rB,
          G,
          off,
          stride,
          scale,
        )
      }
    } else if (!wantGrad && !wantPath) {
      // value only: iterate over the longer axis, keep rows of the shorter one
      const tr = N < M
      const A = tr ? M : N
      const Bn = tr ? N : M
      const cols = tr && band ? bandColumns(band, N, M) : band
      const Pa = (tr ? opts.maxDj : opts.maxDi) + 1
      raw = K.genericForward(
        C,
        off,
        tr ? 1 : stride,
        tr ? stride : 1,
        A,
        Bn,
        tr,
        Ks,
        tr ? opts.stepDj : opts.stepDi,
        tr ? opts.stepDi : opts.stepDj,
        opts.stepWeight,
        opts.stepPenalty,
        opts.gamma,
        cols ? cols.lo : null,
        cols ? cols.hi : null,
        opts.openBegin,
        opts.openEnd,
        priorW,
        priorK,
        new Float64Array(Pa * Bn),
        Pa,
        ringLo,
        ringHi,
        ringB,
        predOff,
        predShift,
        cand,
        null,
        0,
        null,
        null,
        null,
        null,
      )
    } else if (hard) {
      const arg = new Uint8Array(N * M)
      const endR = new Float64Array(N)
      const endB = new Float64Array(N)
      raw = K.genericForward(
        C,
        off,
        stride,
        1,
        N,
        M,
        false,
        Ks,
        opts.stepDi,
        opts.stepDj,
        opts.stepWeight,
        opts.stepPenalty,
        0,
        band ? band.lo : null,
        band ? band.hi : null,
        opts.openBegin,
        opts.openEnd,
        priorW,
        priorK,
        new Float64Array(P * M),
        P,
        ringLo,
        ringHi,
        ringB,
        predOff,
        predShift,
        cand,
        null,
        0,
        arg,
        endR,
        endB,
        null,
      )
      const path: number[] = []
      if (raw < INF) {
        let endI = N - 1
        if (opts.openEnd) {
          endI = 0
          for (let i = 1; i < N; i++) if (endB[i]! - endB[endI]! + (endR[i]! - endR[endI]!) < 0) endI = i
        }
        K.hardBacktrack(
          M,
          Ks,
          opts.stepDi,
          opts.stepDj,
          opts.stepWeight,
          arg,
          endI,
          G,
          off,
          stride,
          scale,
          path,
        )
      }
      if (paths !== null) paths.push(Int32Array.from(path))
    } else {
      const WS = opts.unitSteps ? Ks : Ks + 1
      const W = scratch.weights(WS * N * M, f32)
      const endR = new Float64Array(N)
      const endB = new Float64Array(N)
      const ring = new Float64Array(P * M)
      raw = K.genericForward(
        C,
        off,
        stride,
        1,
        N,
        M,
        false,
        Ks,
        opts.stepDi,
        opts.stepDj,
        opts.stepWeight,
        opts.stepPenalty,
        opts.gamma,
        band ? band.lo : null,
        band ? band.hi : null,
        opts.openBegin,
        opts.openEnd,
        priorW,
        priorK,
        ring,
        P,
        ringLo,
        ringHi,
        ringB,
        predOff,
        predShift,
        cand,
        W,
        WS,
        null,
        endR,
        endB,
        null,
      )
      if (G !== null && raw < INF) {
        K.genericBackward(
          N,
          M,
          Ks,
          opts.stepDi,
          opts.stepDj,
          band ? band.lo : null,
          band ? band.hi : null,
          W,
          WS,
          endWeights(endR, endB, N, opts.gamma, opts.openEnd),
          ring,
          P,
          ringLo,
          ringHi,
          predOff,
          G,
          off,
          stride,
          scale,
        )
      }
    }
    values[b] = raw * scale
  }
  return { values, grad, paths }
}

/**
 * Column costs g_j for column frames: the smallest finite cost of column j within the band (0 if
 * none). Any finite g gives the same result in exact arithmetic; the smallest keeps T(i, j) of the
 * size of a near-optimal path's excess over the columns it crosses.
 */
function columnCosts(
  C: Float64Array,
  off: number,
  stride: number,
  N: number,
  M: number,
  band: { lo: Int32Array; hi: Int32Array } | null,
): Float64Array {
  const g = new Float64Array(M).fill(INF)
  for (let i = 0; i < N; i++) {
    const row = off + i * stride
    for (let j = band ? band.lo[i]! : 0, e = band ? band.hi[i]! : M - 1; j <= e; j++) {
      const c = C[row + j]!
      if (c < g[j]!) g[j] = c
    }
  }
  for (let j = 0; j < M; j++) if (g[j] === INF) g[j] = 0
  return g
}

/** G_j = g_0 + … + g_j, summed with compensation (two-sum) so that G_j is within eps·|G_j|. */
function prefixSums(g: Float64Array): Float64Array {
  const G = new Float64Array(g.length)
  let hi = 0
  let lo = 0
  for (let j = 0; j < g.length; j++) {
    const x = g[j]!
    const s = hi + x
    const bb = s - hi
    lo += hi - (s - bb) + (x - bb)
    hi = s
    G[j] = hi + lo
  }
  return G
}

/**
 * Converts the hand-over row T(i0−1, ·) (row frames, column j at j + 1) and the end cells of rows
 * < i0 to column frames, T − G_j, and the running end soft-min em to R − G_{M−1}. The exp domain only
 * ran where a row's spread is < ~1300γ, so for the cells that matter (small T in column frames) G_j is
 * itself O(γ) and the subtraction loses ~eps·γ.
 * @returns the row's new minimum (seedSoftForward's μ)
 */
function toColumnFrames(
  row: Float64Array,
  G: Float64Array,
  M: number,
  endR: Float64Array | null,
  i0: number,
  st: Float64Array,
): number {
  let m = INF
  for (let j = 0; j < M; j++) {
    const t = row[j + 1]!
    if (t === INF) continue
    const u = t - G[j]!
    row[j + 1] = u
    if (u < m) m = u
  }
  const Gend = G[M - 1]!
  if (endR !== null) for (let i = 0; i < i0; i++) if (endR[i]! < INF) endR[i] = endR[i]! - Gend
  if (st[2]! < INF) st[2] = st[2]! - Gend
  return m
}

/**
 * The index of the smallest R(i, M−1) = endB[i] + endR[i] (−1 if all are +∞), comparing differences
 * (endB[i] − endB[k]) + (endR[i] − endR[k]) so that large offsets do not swamp small differences.
 */
function endArgmin(endR: Float64Array, endB: Float64Array, N: number): number {
  let k = -1
  for (let i = 0; i < N; i++)
    if (endR[i]! < INF && (k < 0 || endB[i]! - endB[k]! + (endR[i]! - endR[k]!) < 0)) k = i
  return k
}

/** The value from R(i, M−1) of every row: R(N−1, M−1), or with an open end the soft-min over rows. */
export function endValue(
  endR: Float64Array,
  endB: Float64Array,
  N: number,
  gamma: number,
  openEnd: boolean,
): number {
  if (!openEnd) return endB[N - 1]! + endR[N - 1]!
  const k = endArgmin(endR, endB, N)
  if (k < 0) return INF
  if (gamma === 0) return endB[k]! + endR[k]!
  let s = 0
  for (let i = 0; i < N; i++)
    if (endR[i]! < INF) s += expNeg(-(endB[i]! - endB[k]! + (endR[i]! - endR[k]!)) / gamma)
  return endB[k]! + endR[k]! - gamma * Math.log(s)
}

/** ∂value/∂R(i, M−1) of every row: the soft-min weights over the open end, or 1 at the closed end. */
export function endWeights(
  endR: Float64Array,
  endB: Float64Array,
  N: number,
  gamma: number,
  openEnd: boolean,
): Float64Array {
  const w = new Float64Array(N)
  if (!openEnd) {
    w[N - 1] = 1
    return w
  }
  const k = endArgmin(endR, endB, N)
  if (k < 0) return w
  let s = 0
  for (let i = 0; i < N; i++) {
    if (endR[i]! === INF) continue
    w[i] = expNeg(Math.min(0, -(endB[i]! - endB[k]! + (endR[i]! - endR[k]!)) / gamma))
    s += w[i]!
  }
  for (let i = 0; i < N; i++) w[i] = w[i]! / s
  return w
}
