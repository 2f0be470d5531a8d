/** dChord models, targets, losses and training (seed chapters 3–4). Other rooms import from here only. */
export type { CtcResult } from './ctc'
export { ctcForwardBackward, ctcLoss, ctcMinFrames } from './ctc'
export type { ChordModel, ModelConfig, ModelKind, Weights } from './dchord'
export {
  binaryTemplate,
  compressNormalize,
  createModel,
  defaultModelConfig,
  predictClasses,
  predictProbs,
} from './dchord'
export { dtwEngine } from './dtw-engine'
export type { EvalReport } from './evaluate'
export { evaluateItems, evaluateRecordings } from './evaluate'
export type { SoftDtwLossOptions } from './losses'
export { bceLoss, cceLoss, ctcBatchLoss, MAX_TENSOR_CELLS, PROB_EPS, softDtwLoss } from './losses'
export type { FrameScores } from './metrics'
export { frameScores, poolScores } from './metrics'
export type { PresetName } from './presets'
export { PRESETS, preset } from './presets'
export type { Rng } from './rng'
export { createRng, shuffledIndices } from './rng'
export type { SoftDtwBatchResult, SoftDtwEngine } from './sdtw-op'
export { MAX_SELF_CELLS, softDtw, softDtwSelf, softDtwToTargets, squaredEuclideanCost } from './sdtw-op'
export type { Recording, SegmentOptions, TrainItem } from './segments'
export { cutSegments, defaultSegmentOptions } from './segments'
export type { CorpusRecord, ModelFile, TrainingFeatures, TrainingRecord } from './serialize'
export { MODEL_FORMAT, MODEL_VERSION, modelFromFile, modelToFile } from './serialize'
export type { DiagonalPrior, GammaSchedule, LengthNormalization } from './stabilisers'
export {
  defaultDiagonalPrior,
  defaultGammaSchedule,
  diagonalPriorBatch,
  gammaAt,
  lengthDivisor,
  priorWeightAt,
} from './stabilisers'
export type { ClassDistribution, PadMode } from './targets'
export {
  classDistribution,
  coarseSequence,
  dedup,
  isChordClass,
  labelClass,
  NUM_CHORDS,
  oneHot,
  padSequence,
  sequenceClasses,
  softTarget,
  strongTargets,
  unfoldSequence,
} from './targets'
export type {
  EpochReport,
  EpochSelection,
  LossName,
  SkippedItem,
  TrainHooks,
  TrainOptions,
  TrainResult,
} from './trainer'
export {
  defaultLearningRates,
  defaultTrainOptions,
  evaluateLoss,
  isSoftDtwLoss,
  modelConfigFor,
  resolveTrainOptions,
  train,
} from './trainer'
