/**
 * Options of the DTW engine (one engine, parameterised; see docs/dtw.md).
 *
 * Convention used everywhere in src/core/dtw: the cost matrix C is N×M, row-major, C(i, j) = c(x_i, y_j)
 * with i = 0..N-1 over the first sequence x (frames) and j = 0..M-1 over the second sequence y
 * (targets). R(i, j) is the accumulated cost (the seed's D, Alg. 1) of the best / soft-best path from a
 * start cell to (i, j), inclusive of C(i, j). The seed report indexes D(i, j) with i over targets and
 * j over frames; our R(i, j) is its D(j + 1, i + 1).
 */
import { DtwInputError } from './errors'

/** Named step sets. */
export type DtwStepSetName = 'seed' | 'stay-advance'

/**
 * One step of a step set: a path may enter cell (i, j) from (i - di, j - dj).
 * Taking it adds `weight`·C(i, j) + `penalty` to the accumulated cost.
 */
export interface DtwStep {
  /** Advance along x (rows, frames) [cells], ≥ 0. */
  di: number
  /** Advance along y (columns, targets) [cells], ≥ 0; di + dj ≥ 1. */
  dj: number
  /** Multiplier of the local cost of the entered cell [1], > 0. Default 1. */
  weight?: number
  /** Additive cost of taking the step [cost units], finite. Default 0. */
  penalty?: number
}

/** Normalisation of the value (and of its gradient): none, ÷N, ÷M or ÷(N+M). */
export type DtwNormalization = 'none' | 'N' | 'M' | 'N+M'

/** Backends: pure TypeScript (always present), native C++ threads and CUDA (registered by src/backend). */
export type DtwBackendName = 'ts' | 'native' | 'cuda'

/**
 * Additive diagonal prior: C'(i, j) = C(i, j) + weight·(1 − exp(−δ² / (2·width²))),
 * δ = i/(N−1) − j/(M−1) (0 for an axis of length 1). Penalises cells far from the diagonal.
 */
export interface DtwDiagonalPrior {
  /** Height ν of the penalty far from the diagonal [cost units], ≥ 0. */
  weight: number
  /** Width σ of the valley around the diagonal [fraction of the length, 0..1 scale], > 0. */
  width: number
}

export interface DtwOptions {
  /** Smoothing γ of the soft-min [cost units], ≥ 0; 0 = hard DTW (min, optimal path). Default 1. */
  gamma: number
  /**
   * Step set: 'seed' = {(1,1),(1,0),(0,1)} (seed Alg. 1); 'stay-advance' = {(1,1),(1,0)} (each target
   * in order for ≥ 1 frame; needs N ≥ M); or custom steps. In hard DTW ties go to the first listed
   * step (the diagonal for the named sets). Default 'seed'.
   */
  steps: DtwStepSetName | readonly DtwStep[]
  /**
   * Sakoe–Chiba band radius [rows of x around the scaled diagonal i·(M−1)/(N−1)]; null = no band.
   * Row i admits columns floor((i−r)·s) … ceil((i+r)·s), s = (M−1)/(N−1). Default null.
   */
  band: number | null
  /** Open begin: a path may start at any (i, 0), not only (0, 0) (subsequence alignment). Default false. */
  openBegin: boolean
  /** Open end: a path may end at any (i, M−1), not only (N−1, M−1). Default false. */
  openEnd: boolean
  /** Additive diagonal prior; null = none. Default null. */
  diagonalPrior: DtwDiagonalPrior | null
  /** Divide the value and its gradient by 1, N, M or N+M. Default 'none'. */
  normalize: DtwNormalization
  /** Compute the gradient ∂value/∂C (= E, the expected alignment; hard: the path matrix). Default true. */
  grad: boolean
  /** Return the optimal path (hard DTW, γ = 0, only). Default true. */
  path: boolean
  /** Backend: 'auto' = the highest-priority registered backend that supports the call. Default 'auto'. */
  backend: 'auto' | DtwBackendName
  /** Reject NaN and −Infinity in C before running (one pass over C). Default true. */
  validate: boolean
}

export const defaultDtwOptions: DtwOptions = {
  gamma: 1,
  steps: 'seed',
  band: null,
  openBegin: false,
  openEnd: false,
  diagonalPrior: null,
  normalize: 'none',
  grad: true,
  path: true,
  backend: 'auto',
  validate: true,
}

/** Options after validation, with the step set as flat arrays (what backends receive). */
export interface ResolvedDtwOptions extends DtwOptions {
  /** Number of steps K. */
  stepCount: number
  /** di of each step [K]. */
  stepDi: Int32Array
  /** dj of each step [K]. */
  stepDj: Int32Array
  /** weight of each step [K]. */
  stepWeight: Float64Array
  /** penalty of each step [K]. */
  stepPenalty: Float64Array
  /** Largest di (rows of history a forward pass keeps). */
  maxDi: number
  /** Largest dj. */
  maxDj: number
  /** All weights 1 and penalties 0 (then ∂R(i,j)/∂C(i,j) = 1 and the gradient equals E). */
  unitSteps: boolean
  /** The seed's step set with unit weights and no penalties (the specialised fast kernel applies). */
  seedSteps: boolean
  /** The stay/advance set {(1,1),(1,0)} with unit weights and no penalties (the same kernel applies). */
  stayAdvanceSteps: boolean
}

/** The seed's steps, diagonal first (ties in hard DTW go to the diagonal). */
export const SEED_STEPS: readonly Required<DtwStep>[] = [
  { di: 1, dj: 1, weight: 1, penalty: 0 },
  { di: 1, dj: 0, weight: 1, penalty: 0 },
  { di: 0, dj: 1, weight: 1, penalty: 0 },
]
/** Stay on target j for one more frame (1,0) or advance to the next target (1,1). */
export const STAY_ADVANCE_STEPS: readonly Required<DtwStep>[] = [
  { di: 1, dj: 1, weight: 1, penalty: 0 },
  { di: 1, dj: 0, weight: 1, penalty: 0 },
]

const KEYS = Object.keys(defaultDtwOptions) as (keyof DtwOptions)[]

/** The valid key closest to `key` (edit distance), for "did you mean" messages. */
export function nearestKey(key: string, keys: readonly string[]): string {
  let best = keys[0] ?? ''
  let bestD = Infinity
  for (const k of keys) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase())
    if (d < bestD) {
      bestD = d
      best = k
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return row[b.length]!
}

/**
 * Merge `opts` over the defaults once and validate every field (errors name the field).
 * @throws DtwInputError on an unknown key or an invalid value
 */
export function resolveDtwOptions(opts: Partial<DtwOptions> = {}): ResolvedDtwOptions {
  for (const k of Object.keys(opts)) {
    if (!(KEYS as string[]).includes(k))
      throw new DtwInputError(`unknown DTW option "${k}" (did you mean "${nearestKey(k, KEYS)}"?)`)
  }
  const o: DtwOptions = Object.assign({}, defaultDtwOptions, opts)
  for (const k of KEYS)
    if (o[k] === undefined) (o as unknown as Record<string, unknown>)[k] = defaultDtwOptions[k]
  if (typeof o.gamma !== 'number' || !Number.isFinite(o.gamma) || o.gamma < 0)
    throw new DtwInputError(`gamma must be a finite number ≥ 0 (0 = hard DTW), got ${String(o.gamma)}`)
  if (o.band !== null && (typeof o.band !== 'number' || !(o.band >= 0) || !Number.isFinite(o.band)))
    throw new DtwInputError(`band must be null or a finite radius ≥ 0 [rows], got ${String(o.band)}`)
  for (const k of ['openBegin', 'openEnd', 'grad', 'path', 'validate'] as const) {
    if (typeof o[k] !== 'boolean') throw new DtwInputError(`${k} must be true or false, got ${String(o[k])}`)
  }
  if (!['none', 'N', 'M', 'N+M'].includes(o.normalize))
    throw new DtwInputError(`normalize must be "none", "N", "M" or "N+M", got ${JSON.stringify(o.normalize)}`)
  if (!['auto', 'ts', 'native', 'cuda'].includes(o.backend))
    throw new DtwInputError(
      `backend must be "auto", "ts", "native" or "cuda", got ${JSON.stringify(o.backend)}`,
    )
  const p = o.diagonalPrior
  if (p !== null) {
    if (typeof p !== 'object' || !(p.weight >= 0) || !Number.isFinite(p.weight))
      throw new DtwInputError('diagonalPrior.weight must be a finite number ≥ 0 [cost units]')
    if (!(p.width > 0) || !Number.isFinite(p.width))
      throw new DtwInputError('diagonalPrior.width must be a finite number > 0 [fraction of the length]')
  }
  const steps = stepList(o.steps)
  const K = steps.length
  const stepDi = new Int32Array(K)
  const stepDj = new Int32Array(K)
  const stepWeight = new Float64Array(K)
  const stepPenalty = new Float64Array(K)
  let unit = true
  for (let k = 0; k < K; k++) {
    const s = steps[k]!
    stepDi[k] = s.di
    stepDj[k] = s.dj
    stepWeight[k] = s.weight
    stepPenalty[k] = s.penalty
    if (s.weight !== 1 || s.penalty !== 0) unit = false
  }
  const seed = unit && K === 3 && SEED_STEPS.every((s) => steps.some((t) => t.di === s.di && t.dj === s.dj))
  const stayAdvance =
    unit && K === 2 && STAY_ADVANCE_STEPS.every((s) => steps.some((t) => t.di === s.di && t.dj === s.dj))
  return {
    ...o,
    stepCount: K,
    stepDi,
    stepDj,
    stepWeight,
    stepPenalty,
    maxDi: Math.max(...steps.map((s) => s.di)),
    maxDj: Math.max(...steps.map((s) => s.dj)),
    unitSteps: unit,
    seedSteps: seed,
    stayAdvanceSteps: stayAdvance,
  }
}

function stepList(steps: DtwOptions['steps']): Required<DtwStep>[] {
  if (steps === 'seed') return SEED_STEPS.map((s) => ({ ...s }))
  if (steps === 'stay-advance') return STAY_ADVANCE_STEPS.map((s) => ({ ...s }))
  if (!Array.isArray(steps))
    throw new DtwInputError(
      `steps must be "seed", "stay-advance" or a list of {di, dj, weight?, penalty?}, got ${JSON.stringify(steps)}`,
    )
  if (steps.length === 0 || steps.length > 32)
    throw new DtwInputError(`a custom step set needs 1 to 32 steps, got ${steps.length}`)
  const seen = new Set<string>()
  return steps.map((s, k) => {
    if (typeof s !== 'object' || s === null) throw new DtwInputError(`steps[${k}] must be an object {di, dj}`)
    const { di, dj } = s
    const weight = s.weight ?? 1
    const penalty = s.penalty ?? 0
    for (const key of Object.keys(s))
      if (!['di', 'dj', 'weight', 'penalty'].includes(key))
        throw new DtwInputError(
          `steps[${k}] has an unknown key "${key}" (did you mean "${nearestKey(key, ['di', 'dj', 'weight', 'penalty'])}"?)`,
        )
    if (
      !Number.isInteger(di) ||
      !Number.isInteger(dj) ||
      di < 0 ||
      dj < 0 ||
      di + dj < 1 ||
      di > 64 ||
      dj > 64
    )
      throw new DtwInputError(
        `steps[${k}] needs integers di, dj in 0..64 with di + dj ≥ 1, got (${di}, ${dj})`,
      )
    if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight))
      throw new DtwInputError(`steps[${k}].weight must be a finite number > 0, got ${String(weight)}`)
    if (typeof penalty !== 'number' || !Number.isFinite(penalty))
      throw new DtwInputError(
        `steps[${k}].penalty must be a finite number [cost units], got ${String(penalty)}`,
      )
    const key = `${di},${dj}`
    if (seen.has(key)) throw new DtwInputError(`steps[${k}] repeats the step (${di}, ${dj})`)
    seen.add(key)
    return { di, dj, weight, penalty }
  })
}

/** The divisor of the normalisation for an N×M problem. */
export function normalizer(n: DtwNormalization, N: number, M: number): number {
  return n === 'N' ? N : n === 'M' ? M : n === 'N+M' ? N + M : 1
}
