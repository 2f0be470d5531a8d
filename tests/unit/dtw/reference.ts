/**
 * An independent float64 reference for the DTW tests: straightforward loops over a full (N+1)×(M+1)
 * matrix with explicit padding, log-sum-exp with Math.exp / Math.log, the classic backward recursion
 * (recomputing the soft-min weights from R), and brute-force path enumeration. Written for clarity,
 * not speed; it shares no code with src/core/dtw.
 */

export interface RefStep {
  di: number
  dj: number
  weight: number
  penalty: number
}

export interface RefOptions {
  gamma: number
  steps: RefStep[]
  band: number | null
  openBegin: boolean
  openEnd: boolean
  prior: { weight: number; width: number } | null
  normalize: 'none' | 'N' | 'M' | 'N+M'
}

export const REF_SEED: RefStep[] = [
  { di: 1, dj: 1, weight: 1, penalty: 0 },
  { di: 1, dj: 0, weight: 1, penalty: 0 },
  { di: 0, dj: 1, weight: 1, penalty: 0 },
]
export const REF_STAY_ADVANCE: RefStep[] = [
  { di: 1, dj: 1, weight: 1, penalty: 0 },
  { di: 1, dj: 0, weight: 1, penalty: 0 },
]

export function refOptions(o: Partial<RefOptions> = {}): RefOptions {
  return {
    gamma: 1,
    steps: REF_SEED,
    band: null,
    openBegin: false,
    openEnd: false,
    prior: null,
    normalize: 'none',
    ...o,
  }
}

/** Soft-min of a list (γ > 0) or min (γ = 0) with log-sum-exp; +∞ for an empty/all-∞ list. */
export function refSoftmin(vals: number[], gamma: number): number {
  const fin = vals.filter((v) => v < Infinity)
  if (fin.length === 0) return Infinity
  const m = Math.min(...fin)
  if (gamma === 0) return m
  let s = 0
  for (const v of fin) s += Math.exp(-(v - m) / gamma)
  return m - gamma * Math.log(s)
}

/** Whether cell (i, j) lies in the band (same definition as documented in docs/dtw.md). */
export function refInBand(i: number, j: number, N: number, M: number, r: number | null): boolean {
  if (r === null || N === 1) return true
  const s = (M - 1) / (N - 1)
  const lo = Math.max(0, Math.min(M - 1, Math.floor((i - r) * s + 1e-9)))
  const hi = Math.max(
    0,
    Math.min(M - 1, Math.max(Math.ceil((i + r) * s - 1e-9), Math.floor((i + 1 - r) * s + 1e-9) - 1)),
  )
  return j >= lo && j <= hi
}

/** The effective cost: C plus the diagonal prior; +∞ outside the band. */
export function refCost(C: ArrayLike<number>, N: number, M: number, o: RefOptions): number[][] {
  const out: number[][] = []
  for (let i = 0; i < N; i++) {
    const row: number[] = []
    for (let j = 0; j < M; j++) {
      let c = C[i * M + j]!
      if (o.prior) {
        const u = N > 1 ? i / (N - 1) : 0
        const v = M > 1 ? j / (M - 1) : 0
        c += o.prior.weight * (1 - Math.exp(-((u - v) ** 2) / (2 * o.prior.width ** 2)))
      }
      row.push(refInBand(i, j, N, M, o.band) ? c : Infinity)
    }
    out.push(row)
  }
  return out
}

function norm(o: RefOptions, N: number, M: number): number {
  return o.normalize === 'N' ? N : o.normalize === 'M' ? M : o.normalize === 'N+M' ? N + M : 1
}

const isStart = (i: number, j: number, o: RefOptions) => j === 0 && (i === 0 || o.openBegin)
const isEnd = (i: number, j: number, N: number, M: number, o: RefOptions) =>
  j === M - 1 && (i === N - 1 || o.openEnd)

/** One candidate of a cell's soft-min: predecessor (or the start), its multiplier of C(i, j), its weight. */
interface RefCand {
  pi: number
  pj: number
  mult: number
  p: number
}

/**
 * R (N×M nested arrays) by the plain recursion, and for every cell its soft-min candidates with their
 * weights ∂R(i,j)/∂candidate = exp(−(cand − R(i,j))/γ) (γ = 0: 1 for the first minimal candidate).
 */
export function refForward(
  C: ArrayLike<number>,
  N: number,
  M: number,
  o: RefOptions,
): { R: number[][]; cands: RefCand[][][] } {
  const c = refCost(C, N, M, o)
  const R: number[][] = Array.from({ length: N }, () => new Array<number>(M).fill(Infinity))
  const cands: RefCand[][][] = Array.from({ length: N }, () => Array.from({ length: M }, () => []))
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      if (c[i]![j] === Infinity) continue
      const list: { pi: number; pj: number; mult: number; v: number }[] = []
      for (const s of o.steps) {
        const pi = i - s.di
        const pj = j - s.dj
        if (pi >= 0 && pj >= 0 && R[pi]![pj]! < Infinity)
          list.push({ pi, pj, mult: s.weight, v: R[pi]![pj]! + s.weight * c[i]![j]! + s.penalty })
      }
      // the start candidate last: hard DTW breaks ties in favour of the steps, in their listed order
      if (isStart(i, j, o)) list.push({ pi: -1, pj: -1, mult: 1, v: c[i]![j]! })
      const r = refSoftmin(
        list.map((q) => q.v),
        o.gamma,
      )
      R[i]![j] = r
      if (r === Infinity) continue
      let first = true
      for (const q of list) {
        let p: number
        if (o.gamma > 0) p = Math.exp(-(q.v - r) / o.gamma)
        else {
          p = first && q.v === r ? 1 : 0
          if (p === 1) first = false
        }
        cands[i]![j]!.push({ pi: q.pi, pj: q.pj, mult: q.mult, p })
      }
    }
  return { R, cands }
}

/** R (N×M as nested arrays) by the plain recursion. */
export function refAccumulate(C: ArrayLike<number>, N: number, M: number, o: RefOptions): number[][] {
  return refForward(C, N, M, o).R
}

function endList(R: number[][], N: number, M: number, o: RefOptions): { i: number; v: number }[] {
  const ends: { i: number; v: number }[] = []
  for (let i = 0; i < N; i++)
    if (isEnd(i, M - 1, N, M, o) && R[i]![M - 1]! < Infinity) ends.push({ i, v: R[i]![M - 1]! })
  return ends
}

/** The value (normalised). */
export function refValue(C: ArrayLike<number>, N: number, M: number, o: RefOptions): number {
  const R = refAccumulate(C, N, M, o)
  return (
    refSoftmin(
      endList(R, N, M, o).map((e) => e.v),
      o.gamma,
    ) / norm(o, N, M)
  )
}

/**
 * ∂value/∂C by the backward recursion of seed Alg. 2 generalised to any steps, using the soft-min
 * weights of the forward pass: E(p) = Σ_{cells q with candidate p} E(q)·weight, plus the end weights;
 * ∂value/∂C(i,j) = E(i,j)·Σ_candidates weight·multiplier. Soft (γ > 0) and hard (γ = 0: the path).
 */
export function refGrad(C: ArrayLike<number>, N: number, M: number, o: RefOptions): number[][] {
  const { R, cands } = refForward(C, N, M, o)
  const E: number[][] = Array.from({ length: N }, () => new Array<number>(M).fill(0))
  const G: number[][] = Array.from({ length: N }, () => new Array<number>(M).fill(0))
  const ends = endList(R, N, M, o)
  if (ends.length === 0) return G
  const v = refSoftmin(
    ends.map((e) => e.v),
    o.gamma,
  )
  let firstEnd = true
  for (const e of ends) {
    if (o.gamma > 0) E[e.i]![M - 1]! += Math.exp(-(e.v - v) / o.gamma)
    else if (firstEnd && e.v === v) {
      E[e.i]![M - 1]! += 1
      firstEnd = false
    }
  }
  // cells in reverse topological order (every step has di ≥ 0, dj ≥ 0, di + dj ≥ 1)
  for (let i = N - 1; i >= 0; i--)
    for (let j = M - 1; j >= 0; j--) {
      const e = E[i]![j]!
      let d = 0
      for (const q of cands[i]![j]!) {
        d += q.p * q.mult
        if (q.pi >= 0) E[q.pi]![q.pj]! += e * q.p
      }
      G[i]![j] = (e * d) / norm(o, N, M)
    }
  return G
}

/** Every admissible warping path (cells from a start to an end) with its cost; tiny sizes only. */
export function refPaths(
  C: ArrayLike<number>,
  N: number,
  M: number,
  o: RefOptions,
): { cells: [number, number][]; cost: number }[] {
  const c = refCost(C, N, M, o)
  const out: { cells: [number, number][]; cost: number }[] = []
  // grow paths forward from every start cell
  const walk = (cells: [number, number][], cost: number) => {
    const [i, j] = cells[cells.length - 1]!
    if (isEnd(i, j, N, M, o)) out.push({ cells: cells.slice(), cost })
    for (const s of o.steps) {
      const si = i + s.di
      const sj = j + s.dj
      if (si < N && sj < M && c[si]![sj]! < Infinity) {
        cells.push([si, sj])
        walk(cells, cost + s.weight * c[si]![sj]! + s.penalty)
        cells.pop()
      }
    }
  }
  for (let i = 0; i < N; i++) if (isStart(i, 0, o) && c[i]![0]! < Infinity) walk([[i, 0]], c[i]![0]!)
  return out
}

/**
 * The cost of a given path; throws unless it is admissible (starts at a start cell, ends at an end
 * cell, moves by steps of the set, stays on finite cells in the band).
 */
export function refPathCost(
  C: ArrayLike<number>,
  N: number,
  M: number,
  o: RefOptions,
  path: [number, number][],
): number {
  const c = refCost(C, N, M, o)
  const [i0, j0] = path[0]!
  if (!isStart(i0, j0, o)) throw new Error(`path starts at (${i0}, ${j0}), not a start cell`)
  const [iz, jz] = path[path.length - 1]!
  if (!isEnd(iz, jz, N, M, o)) throw new Error(`path ends at (${iz}, ${jz}), not an end cell`)
  let cost = c[i0]![j0]!
  for (let k = 1; k < path.length; k++) {
    const [pi, pj] = path[k - 1]!
    const [i, j] = path[k]!
    const s = o.steps.find((t) => t.di === i - pi && t.dj === j - pj)
    if (!s) throw new Error(`(${pi}, ${pj}) → (${i}, ${j}) is not a step of the set`)
    cost += s.weight * c[i]![j]! + s.penalty
  }
  if (!(cost < Infinity)) throw new Error('the path crosses a forbidden cell')
  return cost
}

/** −γ log Σ_paths exp(−cost/γ) (γ = 0: the minimum), normalised: the definition of (soft-)DTW. */
export function refBruteForce(C: ArrayLike<number>, N: number, M: number, o: RefOptions): number {
  return (
    refSoftmin(
      refPaths(C, N, M, o).map((p) => p.cost),
      o.gamma,
    ) / norm(o, N, M)
  )
}

/** A seeded PRNG (mulberry32) for reproducible test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomMatrix(N: number, M: number, rand: () => number, scale = 1): Float64Array {
  const a = new Float64Array(N * M)
  for (let k = 0; k < a.length; k++) a[k] = rand() * scale
  return a
}

/** a + b as an unevaluated sum hi + lo (Knuth's two-sum, exact). */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b
  const bb = s - a
  return [s, a - (s - bb) + (b - bb)]
}

/** (hi, lo) + (hi2, lo2) in double-double. */
function ddAdd(a: [number, number], b: [number, number]): [number, number] {
  const [s, e] = twoSum(a[0], b[0])
  return twoSum(s, e + a[1] + b[1])
}

/**
 * A higher-precision reference for the numerics tests: the accumulated costs R are kept in
 * double-double, so the differences R(p) − R(q) that the soft-min weights depend on are exact to
 * ~1e-30 even when |R|/γ is 1e10 (where any float64 R loses about eps·|R|/γ). Soft-min weights then
 * come from Math.exp of those differences; E sums positive products in float64. Unit-weight steps
 * (default: the seed's); a path starts at (0, 0) (open begin: any (i, 0)) and ends at (N−1, M−1)
 * (open end: any (i, M−1), soft-min over those ends). +∞ cells are forbidden.
 * @returns value (float64) and E (N×M nested arrays)
 */
export function refHighPrecision(
  C: ArrayLike<number>,
  N: number,
  M: number,
  gamma: number,
  steps: { di: number; dj: number }[] = REF_SEED,
  ends: { openBegin?: boolean; openEnd?: boolean } = {},
): { value: number; E: number[][] } {
  type DD = [number, number]
  const INF_DD: DD = [Infinity, 0]
  const lessDD = (p: DD, q: DD) => p[0] < q[0] || (p[0] === q[0] && p[1] < q[1])
  /** exp(−(p − m)/γ) with the difference taken in double-double. */
  const weight = (p: DD, m: DD) => {
    if (p[0] === Infinity) return 0
    const d = ddAdd(p, [-m[0], -m[1]])
    return Math.exp(-(d[0] + d[1]) / gamma)
  }
  const R: DD[][] = Array.from({ length: N }, () => Array.from({ length: M }, () => INF_DD))
  // per cell: the weight of each step's predecessor
  const Wt: number[][][] = Array.from({ length: N }, () =>
    Array.from({ length: M }, () => steps.map(() => 0)),
  )
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      const c = C[i * M + j]!
      if (c === Infinity) continue
      const preds: DD[] = steps.map((s) =>
        i - s.di >= 0 && j - s.dj >= 0 ? R[i - s.di]![j - s.dj]! : INF_DD,
      )
      // the start is one more candidate of the soft-min, with accumulated cost 0 before the cell
      const start: DD = j === 0 && (i === 0 || ends.openBegin) ? [0, 0] : INF_DD
      let m: DD = start
      for (const p of preds) if (lessDD(p, m)) m = p
      if (m[0] === Infinity) continue
      const e = preds.map((p) => weight(p, m))
      const S = e.reduce((a, b) => a + b, weight(start, m))
      R[i]![j] = ddAdd(ddAdd(m, [c, 0]), [-gamma * Math.log(S), 0])
      Wt[i]![j] = e.map((x) => x / S)
    }
  const E: number[][] = Array.from({ length: N }, () => new Array<number>(M).fill(0))
  // the end: R(N−1, M−1), or with an open end the soft-min over the last column (weights in DD)
  const endRows = ends.openEnd ? Array.from({ length: N }, (_, i) => i) : [N - 1]
  let best: DD = INF_DD
  for (const i of endRows) if (lessDD(R[i]![M - 1]!, best)) best = R[i]![M - 1]!
  if (best[0] === Infinity) return { value: Infinity, E }
  const endW = endRows.map((i) => weight(R[i]![M - 1]!, best))
  const S = endW.reduce((a, b) => a + b, 0)
  const v = ddAdd(best, [-gamma * Math.log(S), 0])
  endRows.forEach((i, k) => {
    E[i]![M - 1] = endW[k]! / S
  })
  for (let i = N - 1; i >= 0; i--)
    for (let j = M - 1; j >= 0; j--) {
      let e = E[i]![j]!
      steps.forEach((s, k) => {
        const si = i + s.di
        const sj = j + s.dj
        if (si < N && sj < M) e += E[si]![sj]! * Wt[si]![sj]![k]!
      })
      E[i]![j] = e
    }
  return { value: v[0] + v[1], E }
}
