/**
 * DTW kernels over Float64Array cost / gradient / weight storage (kernels.f32.ts is generated from this
 * file by scripts/gen-dtw-kernels.mjs with `Real = Float32Array`, so that V8 keeps both monomorphic).
 * Arithmetic is float64 in both; accumulated costs R and adjoints E always live in Float64Array rows.
 *
 * Shapes: C is N×M with C(i, j) at C[cOff + i·cStride + j] (generic: at cOff + a·sA + b·sB in
 * iteration coordinates). Weights W hold, for every cell, the soft-min weights of its predecessors
 * (seed Alg. 2's F, read from the successor's side), so the backward pass needs no exp at all.
 */
import { expNeg, log1to4 } from './math'

type Real = Float64Array

const INF = Number.POSITIVE_INFINITY

/**
 * Seed steps {(1,1),(1,0),(0,1)} — or stay/advance {(1,1),(1,0)} with leftStep = false —, unit weights,
 * soft-min with γ > 0: forward pass (seed Alg. 1).
 * Row buffers index column j at j + 1; index 0 is column −1, which holds the start (R = 0 where a path
 * may start, +∞ elsewhere) for the diagonal predecessor of column 0.
 * Rows are stored re-centred, T(i, j) = R(i, j) − b_i with b_i = b_{i−1} + min_j T(i−1, j) + κ_i,
 * κ_i = min_j C(i, j): the soft-min runs on (C − κ_i) + softmin(T(i−1, ·) − μ, T(i, j−1) + κ_i), so
 * the differences the weights depend on lose eps·(spread within a row), not eps·|R| (which grows
 * along the path: with costs 1e6 and γ = 1e-4 that would be relative errors of 1e-5 in E).
 * That keeps the competing values small only when every path crosses every row once (closed ends,
 * N ≥ M). Otherwise (N < M, open begin/end) pass column costs g: then T(i, j) = R(i, j) − b_i − G_j
 * with G_j = g_0 + … + g_j, b_i = b_{i−1} + min_j T(i−1, j) (no κ_i), and the soft-min runs on
 * (C − g_j) + softmin(T(i−1, j−1) − μ, T(i−1, j) − μ + g_j, T(i, j−1)): every path covers every
 * column, so near-optimal cells keep T of the size of their excess over the column costs.
 * @param g column costs g_j [M] (column frames), or null (row frames)
 * @param W per-cell weights (diag, up, left) of length ≥ 3·((N+1)·M + 1), or null for value only
 * @param endR receives T(i, M−1) for every row i (+∞ outside the band) [N], or null (value only)
 * @param endB receives the row offsets b_i [N]; R(i, M−1) = endB[i] + endR[i]; or null
 * @param i0 first row to compute: 0, or the row where seedExpForward stopped (then rA holds
 *   T(i0−1, ·) from expRowToLog and st its state)
 * @param st state in/out [b, min of the previous row, em, es]: row offset, and the running soft-min
 *   em − γ·log(es) over the end cells; [0, 0, +∞, 0] at i0 = 0
 */
export function seedSoftForward(
  C: Real,
  cOff: number,
  cStride: number,
  N: number,
  M: number,
  gamma: number,
  lo: Int32Array | null,
  hi: Int32Array | null,
  openBegin: boolean,
  openEnd: boolean,
  leftStep: boolean,
  priorW: number,
  priorK: number,
  g: Float64Array | null,
  W: Real | null,
  rA: Float64Array,
  rB: Float64Array,
  endR: Float64Array | null,
  endB: Float64Array | null,
  i0: number,
  st: Float64Array,
): void {
  const ig = 1 / gamma
  const invN1 = N > 1 ? 1 / (N - 1) : 0
  const invM1 = M > 1 ? 1 / (M - 1) : 0
  if (i0 === 0) rA.fill(INF, 0, M + 1)
  rB.fill(INF, 0, M + 1)
  let prev = rB
  let cur = rA
  let b = st[0]!
  let prevMin = st[1]!
  let em = st[2]!
  let es = st[3]!
  for (let i = i0; i < N; i++) {
    const t = prev
    prev = cur
    cur = t
    const jlo = lo === null ? 0 : lo[i]!
    const jhi = hi === null ? M - 1 : hi[i]!
    if (lo !== null && i >= 2) for (let j = lo[i - 2]!; j < jlo; j++) cur[j + 1] = INF
    const crow = cOff + i * cStride
    // re-centre (see above): candidates are R − b_i + κ, with b_i = b_{i−1} + prevMin + κ
    let kappa = g === null ? INF : 0
    if (g === null)
      for (let j = jlo; j <= jhi; j++) {
        const c = C[crow + j]!
        if (c < kappa) kappa = c
      }
    if (kappa === INF) kappa = 0
    const sh = prevMin === INF ? 0 : -prevMin
    prev[0] = i === 0 || openBegin ? -b : INF
    b = b - sh + kappa
    cur[0] = INF
    const pri = i * invN1
    let w = (i * M + jlo) * 3
    let diag = prev[jlo]! + sh
    let left = cur[jlo]!
    let rowMin = INF
    for (let j = jlo; j <= jhi; j++) {
      const gj = g === null ? 0 : g[j]!
      const upT = prev[j + 1]! + sh
      const up = upT + gj
      let c = C[crow + j]! - kappa - gj
      if (priorW !== 0) {
        const d = pri - j * invM1
        c += priorW * (1 - expNeg(-d * d * priorK))
      }
      let r: number
      let pd: number
      let pu: number
      let pl: number
      // soft-min of the three predecessors, minimum factored out: its own weight is exp(0) = 1
      const m = Math.min(diag, up, left)
      if (m === INF) {
        r = INF
        pd = 0
        pu = 0
        pl = 0
      } else {
        const ed = expNeg((m - diag) * ig)
        const eu = expNeg((m - up) * ig)
        const el = expNeg((m - left) * ig)
        const s = ed + eu + el
        r = c + m - gamma * log1to4(s)
        pd = 1 / s
        pu = eu * pd
        pl = el * pd
        pd *= ed
      }
      cur[j + 1] = r
      if (W !== null) {
        W[w] = pd
        W[w + 1] = pu
        W[w + 2] = pl
        w += 3
      }
      if (r < rowMin) rowMin = r
      diag = upT
      left = leftStep ? r + kappa : INF
    }
    prevMin = rowMin
    const last = jhi === M - 1 ? cur[M]! : INF
    if (endR !== null && endB !== null) {
      endR[i] = last
      endB[i] = b
    }
    if (last < INF && (openEnd || i === N - 1)) {
      const r = last + b
      if (r < em) {
        es = es * expNeg((r - em) * ig) + 1
        em = r
      } else es += expNeg((em - r) * ig)
    }
  }
  st[0] = b
  st[1] = prevMin
  st[2] = em
  st[3] = es
}

/**
 * seedSoftForward in the exponential domain, K(i, j) = exp(−T(i, j)/γ) with the same row offsets b_i:
 * K(i, j) = exp(−(C − κ_i)/γ)·(α_i·K(i−1, j−1) + α_i·K(i−1, j) + β_i·K(i, j−1)), α_i = exp(μ_i/γ),
 * β_i = exp(−κ_i/γ), μ_i = T of the previous row's first cell. One exp per cell, independent of the
 * recursion, and no log: the weights are the three terms over their sum. Valid while every K of a
 * row stays within (1e-290, 1e290), i.e. while the spread of R within a row is below ~1300γ (rows are
 * centred between their extremes), and no cell is forbidden. It stops at the first row where that
 * fails; seedSoftForward continues from there (expRowToLog converts the last row).
 * Same parameters and outputs as seedSoftForward (kA, kB: row buffers of K; st: out [b, −, em, es]).
 * @returns the number of rows computed (N when done)
 */
export function seedExpForward(
  C: Real,
  cOff: number,
  cStride: number,
  N: number,
  M: number,
  gamma: number,
  lo: Int32Array | null,
  hi: Int32Array | null,
  openBegin: boolean,
  openEnd: boolean,
  leftStep: boolean,
  priorW: number,
  priorK: number,
  W: Real | null,
  kA: Float64Array,
  kB: Float64Array,
  endR: Float64Array | null,
  endB: Float64Array | null,
  st: Float64Array,
): number {
  const ig = 1 / gamma
  const invN1 = N > 1 ? 1 / (N - 1) : 0
  const invM1 = M > 1 ? 1 / (M - 1) : 0
  kA.fill(0, 0, M + 1)
  kB.fill(0, 0, M + 1)
  let prev = kB
  let cur = kA
  let b = 0
  let centre = 1
  let em = INF
  let es = 0
  st[0] = 0
  st[2] = INF
  st[3] = 0
  for (let i = 0; i < N; i++) {
    const t = prev
    prev = cur
    cur = t
    const jlo = lo === null ? 0 : lo[i]!
    const jhi = hi === null ? M - 1 : hi[i]!
    if (lo !== null && i >= 2) for (let j = lo[i - 2]!; j < jlo; j++) cur[j + 1] = 0
    const crow = cOff + i * cStride
    let kappa = INF
    let forbidden = false
    for (let j = jlo; j <= jhi; j++) {
      const c = C[crow + j]!
      if (c === INF) forbidden = true
      if (c < kappa) kappa = c
    }
    // μ_i = −γ log(centre): K(i−1, ·)·α with α = 1/centre are the previous row relative to b_i − κ_i
    const mu = -gamma * Math.log(centre)
    const alpha = 1 / centre
    const beta = leftStep ? Math.exp(-kappa * ig) : 0
    // without the (0,1) step a cell (i, j > i) is unreachable (K = 0), not out of range
    const jReach = leftStep ? jhi : Math.min(jhi, i)
    const start = i === 0 || openBegin ? Math.exp((b + mu) * ig) : 0
    if (forbidden || !(beta < 1e290 && start < 1e290)) return i
    b = b + mu + kappa
    prev[0] = start * centre
    cur[0] = 0
    const pri = i * invN1
    let w = (i * M + jlo) * 3
    let diag = alpha * prev[jlo]!
    let left = cur[jlo]!
    let kmin = INF
    let kmax = 0
    for (let j = jlo; j <= jhi; j++) {
      const up = alpha * prev[j + 1]!
      let c = C[crow + j]! - kappa
      if (priorW !== 0) {
        const d = pri - j * invM1
        c += priorW * (1 - expNeg(-d * d * priorK))
      }
      const l = beta * left
      const s = diag + up + l
      const k = expNeg(-c * ig) * s
      cur[j + 1] = k
      if (W !== null) {
        const is = s > 0 ? 1 / s : 0
        W[w] = diag * is
        W[w + 1] = up * is
        W[w + 2] = l * is
        w += 3
      }
      if (k < kmin && j <= jReach) kmin = k
      if (k > kmax) kmax = k
      diag = up
      left = k
    }
    if (!(kmin > 1e-290 && kmax < 1e290 && kmax > 0)) {
      b = st[0]!
      return i
    }
    centre = Math.sqrt(kmin) * Math.sqrt(kmax)
    st[0] = b
    const last = jhi === M - 1 ? -gamma * Math.log(cur[M]!) : INF
    if (endR !== null && endB !== null) {
      endR[i] = last
      endB[i] = b
    }
    if (last < INF && (openEnd || i === N - 1)) {
      const r = last + b
      if (r < em) {
        es = es * expNeg((r - em) * ig) + 1
        em = r
      } else es += expNeg((em - r) * ig)
      st[2] = em
      st[3] = es
    }
  }
  return N
}

/**
 * Converts the last row seedExpForward completed from K to T = −γ·log K (+∞ for K = 0), in place.
 * @param buf row buffer, column j at j + 1
 * @returns the row's minimum of T (what seedSoftForward's re-centring needs next)
 */
export function expRowToLog(buf: Float64Array, M: number, jlo: number, jhi: number, gamma: number): number {
  let m = INF
  buf[0] = INF
  for (let j = 0; j < M; j++) {
    const k = buf[j + 1]!
    const t = j >= jlo && j <= jhi && k > 0 ? -gamma * Math.log(k) : INF
    buf[j + 1] = t
    if (t < m) m = t
  }
  return m
}

/**
 * Seed steps, unit weights: backward pass (seed Alg. 2) from the stored weights, exp-free.
 * E(i,j) = E(i+1,j+1)·Wd(i+1,j+1) + E(i+1,j)·Wu(i+1,j) + E(i,j+1)·Wl(i,j+1) + endW[i]·[j = M−1];
 * grad(i, j) = scale·E(i, j). Grad cells outside the band are not written (the caller zeroes them).
 * @param endW ∂value/∂R(i, M−1) of each row [N] (closed end: 1 at N−1, 0 elsewhere)
 */
export function seedSoftBackward(
  N: number,
  M: number,
  lo: Int32Array | null,
  hi: Int32Array | null,
  W: Real,
  endW: Float64Array,
  eA: Float64Array,
  eB: Float64Array,
  grad: Real,
  gOff: number,
  gStride: number,
  scale: number,
): void {
  eA.fill(0, 0, M + 1)
  eB.fill(0, 0, M + 1)
  let next = eA
  let cur = eB
  for (let i = N - 1; i >= 0; i--) {
    const t = next
    next = cur
    cur = t
    const jlo = lo === null ? 0 : lo[i]!
    const jhi = hi === null ? M - 1 : hi[i]!
    if (hi !== null && i + 2 < N) for (let j = jhi + 1, e = hi[i + 2]!; j <= e; j++) cur[j] = 0
    const wr = i * M
    const wn = (i + 1) * M
    const grow = gOff + i * gStride
    let eRight = jhi === M - 1 ? endW[i]! : 0
    for (let j = jhi; j >= jlo; j--) {
      const b = (wn + j) * 3
      const e = next[j + 1]! * W[b + 3]! + next[j]! * W[b + 1]! + eRight
      cur[j] = e
      grad[grow + j] = e * scale
      eRight = e * W[(wr + j) * 3 + 2]!
    }
  }
}

/**
 * Any step set, soft (γ > 0) or hard (γ = 0) forward pass in iteration coordinates (a, b): rows a of
 * length B, element at C[cOff + a·sA + b·sB]. `transposed` says a runs over y (columns of C): used by
 * the value-only mode to keep O(min(N, M)) memory. Steps (da, db) are given in iteration coordinates.
 * Rows are re-centred as in seedSoftForward: the ring holds T(a, ·) = R(a, ·) − b_a, ringB the b_a;
 * step k's candidate is T(pred) + (b_pred − b_a + κ_a·w_k) + w_k·(C − κ_a) + penalty_k.
 * @param ring (P·B) accumulated-cost rows, P = max da + 1; ringLo/ringHi [P] their written intervals
 * @param ringB [P] row offsets of the ring rows; predShift [K] scratch
 * @param cand scratch of length ≥ K + 1
 * @param W soft: K (or K+1 with ∂R/∂C last when stride WS = K+1) weights per cell, or null
 * @param arg hard: argmin step per cell (K = start, 255 = unreachable), or null
 * @param endR receives T(a, B−1) per row when not transposed, or null; endB the row offsets b_a
 * @param Rout receives R (A×B) when not null
 * @returns the raw value: soft-min (hard: min) of R over the end cells
 */
export function genericForward(
  C: Real,
  cOff: number,
  sA: number,
  sB: number,
  A: number,
  B: number,
  transposed: boolean,
  K: number,
  da: Int32Array,
  db: Int32Array,
  sw: Float64Array,
  sp: Float64Array,
  gamma: number,
  lo: Int32Array | null,
  hi: Int32Array | null,
  openBegin: boolean,
  openEnd: boolean,
  priorW: number,
  priorK: number,
  ring: Float64Array,
  P: number,
  ringLo: Int32Array,
  ringHi: Int32Array,
  ringB: Float64Array,
  predOff: Int32Array,
  predShift: Float64Array,
  cand: Float64Array,
  W: Real | null,
  WS: number,
  arg: Uint8Array | null,
  endR: Float64Array | null,
  endB: Float64Array | null,
  Rout: Float64Array | null,
): number {
  const hard = gamma === 0
  const ig = hard ? 0 : 1 / gamma
  const N = transposed ? B : A
  const M = transposed ? A : B
  const invN1 = N > 1 ? 1 / (N - 1) : 0
  const invM1 = M > 1 ? 1 / (M - 1) : 0
  ring.fill(INF, 0, P * B)
  for (let s = 0; s < P; s++) {
    ringLo[s] = 0
    ringHi[s] = -1
  }
  let em = INF
  let es = 0
  let rb = 0
  let prevMin = 0
  for (let a = 0; a < A; a++) {
    const blo = lo === null ? 0 : lo[a]!
    const bhi = hi === null ? B - 1 : hi[a]!
    const slot = a % P
    const self = slot * B
    if (lo !== null) {
      for (let b = ringLo[slot]!, e = ringHi[slot]!; b <= e; b++) ring[self + b] = INF
      ringLo[slot] = blo
      ringHi[slot] = bhi
    }
    const crow = cOff + a * sA
    let kappa = INF
    for (let b = blo; b <= bhi; b++) {
      const c = C[crow + b * sB]!
      if (c < kappa) kappa = c
    }
    if (kappa === INF) kappa = 0
    if (prevMin < INF) rb += prevMin
    rb += kappa
    ringB[slot] = rb
    for (let k = 0; k < K; k++) {
      const pa = a - da[k]!
      predOff[k] = pa >= 0 ? (pa % P) * B : -1
      predShift[k] = pa >= 0 ? ringB[pa % P]! - rb + kappa * sw[k]! : 0
    }
    let rowMin = INF
    for (let b = blo; b <= bhi; b++) {
      let c = C[crow + b * sB]! - kappa
      if (priorW !== 0) {
        const d = transposed ? b * invN1 - a * invM1 : a * invN1 - b * invM1
        c += priorW * (1 - expNeg(-d * d * priorK))
      }
      let m = INF
      let km = 255
      for (let k = 0; k < K; k++) {
        const po = predOff[k]!
        const pb = b - db[k]!
        let v = INF
        if (po >= 0 && pb >= 0) v = ring[po + pb]! + predShift[k]! + sw[k]! * c + sp[k]!
        cand[k] = v
        if (v < m) {
          m = v
          km = k
        }
      }
      const start = transposed ? a === 0 && (openBegin || b === 0) : b === 0 && (openBegin || a === 0)
      if (start) {
        const v = c + kappa - rb
        cand[K] = v
        if (v < m) {
          m = v
          km = K
        }
      } else cand[K] = INF
      let r = m
      const cell = a * B + b
      if (hard) {
        if (arg !== null) arg[cell] = m === INF ? 255 : km
      } else if (m === INF) {
        if (W !== null) for (let k = 0, o = cell * WS; k < WS; k++) W[o + k] = 0
      } else {
        let s = 0
        for (let k = 0; k <= K; k++) {
          const e = expNeg((m - cand[k]!) * ig)
          cand[k] = e
          s += e
        }
        r = m - gamma * (s < 4 ? log1to4(s) : Math.log(s))
        if (W !== null) {
          const is = 1 / s
          const o = cell * WS
          let g = cand[K]! * is
          for (let k = 0; k < K; k++) {
            const p = cand[k]! * is
            W[o + k] = p
            g += p * sw[k]!
          }
          if (WS > K) W[o + K] = g
        }
      }
      ring[self + b] = r
      if (r < rowMin) rowMin = r
      if (Rout !== null) Rout[cell] = r + rb
      const end = transposed
        ? a === A - 1 && (openEnd || b === B - 1)
        : b === B - 1 && (openEnd || a === A - 1)
      if (end && r < INF) {
        r += rb
        if (hard) {
          if (r < em) em = r
        } else if (r < em) {
          es = es * expNeg((r - em) * ig) + 1
          em = r
        } else es += expNeg((em - r) * ig)
      }
    }
    prevMin = rowMin
    if (endR !== null && endB !== null) {
      endR[a] = bhi === B - 1 ? ring[self + B - 1]! : INF
      endB[a] = rb
    }
  }
  if (hard || em === INF) return em
  return em - gamma * Math.log(es)
}

/**
 * Any step set, soft: backward pass from the stored weights (natural orientation, a = i over x).
 * E(i,j) = endW[i]·[j = M−1] + Σ_k E(i+di_k, j+dj_k)·W_k(i+di_k, j+dj_k);
 * grad(i, j) = scale·E(i, j)·∂R(i,j)/∂C(i,j) (the last weight slot when WS = K + 1, else 1).
 * @param ring (P·M) adjoint rows, P = max di + 1
 */
export function genericBackward(
  N: number,
  M: number,
  K: number,
  di: Int32Array,
  dj: Int32Array,
  lo: Int32Array | null,
  hi: Int32Array | null,
  W: Real,
  WS: number,
  endW: Float64Array,
  ring: Float64Array,
  P: number,
  ringLo: Int32Array,
  ringHi: Int32Array,
  succOff: Int32Array,
  grad: Real,
  gOff: number,
  gStride: number,
  scale: number,
): void {
  ring.fill(0, 0, P * M)
  for (let s = 0; s < P; s++) {
    ringLo[s] = 0
    ringHi[s] = -1
  }
  const withG = WS > K
  for (let i = N - 1; i >= 0; i--) {
    const jlo = lo === null ? 0 : lo[i]!
    const jhi = hi === null ? M - 1 : hi[i]!
    const slot = i % P
    const self = slot * M
    if (lo !== null) {
      for (let j = ringLo[slot]!, e = ringHi[slot]!; j <= e; j++) ring[self + j] = 0
      ringLo[slot] = jlo
      ringHi[slot] = jhi
    }
    for (let k = 0; k < K; k++) {
      const si = i + di[k]!
      succOff[k] = si < N ? (si % P) * M : -1
    }
    const grow = gOff + i * gStride
    for (let j = jhi; j >= jlo; j--) {
      let e = j === M - 1 ? endW[i]! : 0
      for (let k = 0; k < K; k++) {
        const so = succOff[k]!
        const sj = j + dj[k]!
        if (so >= 0 && sj < M) e += ring[so + sj]! * W[((i + di[k]!) * M + sj) * WS + k]!
      }
      ring[self + j] = e
      grad[grow + j] = (withG ? e * W[(i * M + j) * WS + K]! : e) * scale
    }
  }
}

/**
 * Hard DTW: follow the stored argmin steps back from the end cell (endI, M−1) to a start cell.
 * Adds scale·(weight of the step that entered each path cell; 1 for the start cell) to grad.
 * @param path receives the cells as i0, j0, i1, j1, … from the start to the end
 */
export function hardBacktrack(
  M: number,
  K: number,
  di: Int32Array,
  dj: Int32Array,
  sw: Float64Array,
  arg: Uint8Array,
  endI: number,
  grad: Real | null,
  gOff: number,
  gStride: number,
  scale: number,
  path: number[],
): void {
  let i = endI
  let j = M - 1
  const rev: number[] = []
  for (;;) {
    rev.push(i, j)
    const k = arg[i * M + j]!
    if (grad !== null)
      grad[gOff + i * gStride + j] = grad[gOff + i * gStride + j]! + (k === K ? 1 : sw[k]!) * scale
    if (k >= K) break
    i -= di[k]!
    j -= dj[k]!
  }
  for (let p = rev.length - 2; p >= 0; p -= 2) path.push(rev[p]!, rev[p + 1]!)
}
