/**
 * Evaluation of chord annotations: mir_eval-compatible chord metrics (WCSR), segmentation,
 * frame-wise P/R/F as in the seed, and boundary deviation. Other rooms import from here only.
 */
export type { BoundaryDeviation, BoundaryDistances, PairedDeviation } from './boundaries'
export {
  boundaryDeviation,
  boundaryDistances,
  chordTokens,
  intervalsToBoundaries,
  median,
  pairedBoundaryDeviation,
} from './boundaries'
export type { ChordMetric } from './compare'
export { CHORD_METRICS, compareChords, weightedAccuracy } from './compare'
export type { EncodedChord } from './encode'
export { encodeMany, encodeReducedExtended } from './encode'
export type { ChordScores, CorpusScores, ItemEvaluation } from './evaluate'
export { corpusScores, evaluateChords } from './evaluate'
export type { FramePrf, FramePrfOptions } from './frames'
export { defaultFramePrfOptions, framePrf, sampleClasses } from './frames'
export type { Interval, MergedLabels } from './intervals'
export {
  adjustIntervals,
  intervalsToDurations,
  mergeChordIntervals,
  mergeLabeledIntervals,
  validateIntervals,
} from './intervals'
export type { AnnotationReport, CorpusReport } from './report'
export { corpusReport, evaluateAnnotation } from './report'
export { directionalHammingDistance, overseg, seg, underseg } from './segmentation'
