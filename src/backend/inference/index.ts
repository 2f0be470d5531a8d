/**
 * Chord-model inference in Node (CLI, job workers, benchmarks): load a model file, predict a
 * recording's chord probabilities on any frame grid, and the insight computations (templates,
 * expected alignment, accuracy, target distributions). Other rooms import from here only.
 */
export type {
  ChordAccuracy,
  DistributionRow,
  ExpectedAlignment,
  ModelAccuracy,
  RecordingAccuracy,
  ScoredRecording,
  TemplateMatrix,
} from './insight'
export {
  classesToSegments,
  expectedAlignment,
  InsightError,
  modelAccuracy,
  targetDistributions,
  templateMatrix,
} from './insight'
export type { RawChroma } from './probs'
export {
  checkModelFile,
  loadModel,
  ModelFileError,
  modelProbabilitiesOn,
  predictFrames,
  readModelFile,
} from './probs'
export { ensureTfBackend } from './tf'
