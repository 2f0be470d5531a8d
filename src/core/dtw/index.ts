/**
 * The differentiable DTW engine: soft-DTW (seed report ch. 2, Alg. 1–2), hard DTW with its path, costs
 * between sequences, step sets, bands, open ends, priors, normalisation, divergence; backends plug in
 * through the registry. Import from here only.
 */

export type { DtwBackendChoice } from './backend'
export { getDtwBackend, listDtwBackends, registerDtwBackend, selectDtwBackend } from './backend'
export type { BandRows } from './band'
export { bandColumns, bandRows } from './band'
export type { CostOptions, DtwCostName } from './cost'
export {
  COST_NAMES,
  checkSequences,
  costBackward,
  costMatrix,
  defaultCostOptions,
  resolveCostOptions,
} from './cost'
export type { DtwBatchRun, DtwResult } from './engine'
export {
  accumulatedCost,
  checkBatch,
  dtwBatch,
  dtwBatchAsync,
  hardDtw,
  packBatch,
  paddedBatch,
  softDtw,
} from './engine'
export { DtwInputError } from './errors'
export type {
  DtwBackendName,
  DtwDiagonalPrior,
  DtwNormalization,
  DtwOptions,
  DtwStep,
  DtwStepSetName,
  ResolvedDtwOptions,
} from './options'
export {
  defaultDtwOptions,
  nearestKey,
  normalizer,
  resolveDtwOptions,
  SEED_STEPS,
  STAY_ADVANCE_STEPS,
} from './options'
export type { DivergenceResult, SequenceDtwOptions, SequenceDtwResult } from './sequences'
export { softDtwDivergence, softDtwSequences } from './sequences'
export { tsBackend } from './ts-backend'
export type { DtwBackend, DtwBatch, DtwBatchInfo, DtwBatchResult, DtwDtype, FloatArray } from './types'
