/**
 * (Soft-)DTW between two sequences of vectors: cost matrix → engine → chain rule back to the inputs.
 * Also the soft-DTW divergence D(x, y) = sdtw(x, y) − ½(sdtw(x, x) + sdtw(y, y)) (Blondel et al. 2021).
 */
import { type CostOptions, checkSequences, costBackward, costMatrix, resolveCostOptions } from './cost'
import { softDtw } from './engine'
import { DtwInputError } from './errors'
import type { DtwOptions } from './options'

/** DTW options plus the local cost between the sequences. */
export type SequenceDtwOptions = DtwOptions & CostOptions

/** The result of DTW between sequences. */
export interface SequenceDtwResult {
  /** (Soft-)DTW value, normalised as asked; +Infinity when no admissible path exists. */
  value: number
  /** ∂value/∂C, N×M (E; hard: the path matrix). */
  grad?: Float64Array
  /** ∂value/∂x, N×d. */
  gradX?: Float64Array
  /** ∂value/∂y, M×d. */
  gradY?: Float64Array
  /** Hard DTW: the optimal path [i, j]. */
  path?: [number, number][]
  backend: string
}

function split(opts: Partial<SequenceDtwOptions>): [Partial<DtwOptions>, CostOptions] {
  const { cost, costEps, ...dtw } = opts
  const c: Partial<CostOptions> = {}
  if (cost !== undefined) c.cost = cost
  if (costEps !== undefined) c.costEps = costEps
  return [dtw, resolveCostOptions(c)]
}

/**
 * (Soft-)DTW between x and y under a local cost, with gradients w.r.t. both sequences.
 * @param x N×d row-major (frames, e.g. model outputs)
 * @param y M×d row-major (targets)
 * @param d vector dimension
 * @returns value, grad (N×M), gradX (N×d), gradY (M×d), path (hard)
 */
export function softDtwSequences(
  x: Float64Array,
  y: Float64Array,
  d: number,
  opts: Partial<SequenceDtwOptions> = {},
): SequenceDtwResult {
  const [dtwOpts, costOpts] = split(opts)
  checkSequences(x, y, d, costOpts.cost)
  const N = x.length / d
  const M = y.length / d
  const C = costMatrix(x, y, d, costOpts)
  const r = softDtw(C, N, M, dtwOpts)
  const out: SequenceDtwResult = { value: r.value, backend: r.backend }
  if (r.path) out.path = r.path
  if (r.grad) {
    out.grad = r.grad
    const gx = new Float64Array(x.length)
    const gy = new Float64Array(y.length)
    costBackward(x, y, d, r.grad, gx, gy, costOpts)
    out.gradX = gx
    out.gradY = gy
  }
  return out
}

/** The soft-DTW divergence and its gradients. */
export interface DivergenceResult {
  /** sdtw(x, y) − ½(sdtw(x, x) + sdtw(y, y)). */
  value: number
  /** ∂/∂x, N×d (when opts.grad). */
  gradX?: Float64Array
  /** ∂/∂y, M×d (when opts.grad). */
  gradY?: Float64Array
}

/**
 * Soft-DTW divergence (Blondel, Mensch & Vert 2021): ≥ 0 for the squared Euclidean cost with the seed
 * steps (no band, closed ends, no prior), and exactly 0 when x = y under any options.
 * @param x N×d row-major
 * @param y M×d row-major
 */
export function softDtwDivergence(
  x: Float64Array,
  y: Float64Array,
  d: number,
  opts: Partial<SequenceDtwOptions> = {},
): DivergenceResult {
  if (opts.path) throw new DtwInputError('the divergence has no single path; ask softDtwSequences for paths')
  const o = { ...opts, path: false }
  const xy = softDtwSequences(x, y, d, o)
  const xx = softDtwSequences(x, x, d, o)
  const yy = softDtwSequences(y, y, d, o)
  const out: DivergenceResult = { value: xy.value - 0.5 * (xx.value + yy.value) }
  if (xy.gradX && xx.gradX && xx.gradY && yy.gradX && yy.gradY && xy.gradY) {
    const gx = new Float64Array(x.length)
    const gy = new Float64Array(y.length)
    for (let k = 0; k < gx.length; k++) gx[k] = xy.gradX[k]! - 0.5 * (xx.gradX[k]! + xx.gradY[k]!)
    for (let k = 0; k < gy.length; k++) gy[k] = xy.gradY[k]! - 0.5 * (yy.gradX[k]! + yy.gradY[k]!)
    out.gradX = gx
    out.gradY = gy
  }
  return out
}
