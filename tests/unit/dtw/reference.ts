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

/** R (N×M as nested arrays) by the plain recursion. */
export function refAccumulate(C: ArrayLike<number>, N: number, M: number, o: RefOptions): number[][] {
  const c = refCost(C, N, M, o)
  const R: number[][] = Array.from({ length: N }, () => new Array<number>(M).fill(Infinity))
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      if (c[i]![j] === Infinity) continue
      const cand: number[] = []
      if (isStart(i, j, o)) cand.push(c[i]![j]!)
      for (const s of o.steps) {
        const pi = i - s.di
        const pj = j - s.dj
        if (pi >= 0 && pj >= 0) cand.push(R[pi]![pj]! + s.weight * c[i]![j]! + s.penalty)
      }
      R[i]![j] = refSoftmin(cand, o.gamma)
    }
  return R
}

/** The value (normalised). */
export function refValue(C: ArrayLike<number>, N: number, M: number, o: RefOptions): number {
  const R = refAccumulate(C, N, M, o)
  const ends: number[] = []
  for (let i = 0; i < N; i++) if (isEnd(i, M - 1, N, M, o)) ends.push(R[i]![M - 1]!)
  return refSoftmin(ends, o.gamma) / norm(o, N, M)
}

/**
 * ∂value/∂C by the classic backward recursion of seed Alg. 2 generalised to any steps: the weight of
 * predecessor p at cell q is recomputed as exp(−(R(p) + w·C(q) + pen − R(q))/γ). Soft only (γ > 0).
 */
export function refGrad(C: ArrayLike<number>, N: number, M: number, o: RefOptions): number[][] {
  const c = refCost(C, N, M, o)
  const R = refAccumulate(C, N, M, o)
  const g = o.gamma
  const ends: number[] = []
  for (let i = 0; i < N; i++) if (isEnd(i, M - 1, N, M, o)) ends.push(R[i]![M - 1]!)
  const v = refSoftmin(ends, g)
  const E: number[][] = Array.from({ length: N }, () => new Array<number>(M).fill(0))
  const G: number[][] = Array.from({ length: N }, () => new Array<number>(M).fill(0))
  for (let i = N - 1; i >= 0; i--)
    for (let j = M - 1; j >= 0; j--) {
      if (R[i]![j] === Infinity) continue
      let e = 0
      if (isEnd(i, j, N, M, o) && v < Infinity) e += Math.exp(-(R[i]![j]! - v) / g)
      for (const s of o.steps) {
        const si = i + s.di
        const sj = j + s.dj
        if (si < N && sj < M && R[si]![sj]! < Infinity)
          e += E[si]![sj]! * Math.exp(-(R[i]![j]! + s.weight * c[si]![sj]! + s.penalty - R[si]![sj]!) / g)
      }
      E[i]![j] = e
      // ∂R(i,j)/∂C(i,j) = Σ over the candidates of their weight × their multiplier of C(i,j)
      let d = 0
      if (isStart(i, j, o)) d += Math.exp(-(c[i]![j]! - R[i]![j]!) / g)
      for (const s of o.steps) {
        const pi = i - s.di
        const pj = j - s.dj
        if (pi >= 0 && pj >= 0 && R[pi]![pj]! < Infinity)
          d += s.weight * Math.exp(-(R[pi]![pj]! + s.weight * c[i]![j]! + s.penalty - R[i]![j]!) / g)
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
