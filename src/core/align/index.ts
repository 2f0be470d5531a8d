/**
 * Forced alignment of typed chord sequences and chord recognition without a sequence.
 * Other rooms import from here only.
 */
export type { AlignOptions, ModelProbabilities } from './align'
export { alignChords, defaultAlignOptions, snapToOnsets } from './align'
export type { DurationPriorOptions } from './duration'
export { defaultDurationPriorOptions, durationKernel, logDurationPrior } from './duration'
export type { ChordTemplate, EmissionOptions, FrameFeatures } from './emissions'
export { chordTemplate, defaultEmissionOptions, frameFeatures, TRIADS, templateScores } from './emissions'
export { AlignError } from './errors'
export type { AlignFit } from './fit'
export { alignmentFit } from './fit'
export type { FrameGrid, FrameProbabilities } from './model-frames'
export { resampleProbabilities } from './model-frames'
export type { RecognizeOptions, RecognizeResult } from './recognize'
export {
  defaultRecognizeOptions,
  posteriorUniform,
  recognitionPath,
  recognizeChords,
  triadScores,
  viterbiUniform,
} from './recognize'
export type {
  AlignedBoundary,
  AlignedSegment,
  AlignResult,
  AlignWarning,
  AlignWarningKind,
  Anchor,
  ChordSegment,
  ChromaInput,
} from './types'
