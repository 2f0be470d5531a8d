/**
 * Audio features: PCM → chroma. Pure TypeScript (no Node, no DOM), shared by the CLI, the workers and
 * the renderer. Other rooms import from this file only.
 */
export {
  ALIGN_MAX_PITCH,
  ALIGN_MIN_PITCH,
  BASS_RANGE,
  ChromaExtractor,
  computeChroma,
  LEVEL_FLOOR_DB,
  levelReference,
  ONSET_GAMMA,
  ONSET_MAX_HZ,
  onsetWindowSize,
  TREBLE_RANGE,
} from './chroma'
export { hannWindow, RealFft } from './fft'
export { chromaFilterBank, pitchToHz, pitchWindow, type SparseBank, semitoneFilterBank } from './filterbank'
export { medianAlongFrequency, reflectIndex, StreamingHpss } from './hpss'
export { mixToMono } from './mix'
export { logCompress, normalizeFeatureSequence } from './postprocess'
export {
  besselI0,
  defaultResampleOptions,
  designResampler,
  type ResampleDesign,
  type ResampleOptions,
  Resampler,
  resample,
  resampleKernel,
} from './resample'
export { defaultTuningOptions, estimateTuning, TuningEstimator, type TuningOptions } from './tuning'
export {
  type Chroma,
  type ChromaNorm,
  type ChromaOptions,
  type ChromaPipeline,
  defaultChromaOptions,
  defaultPipeline,
  FeatureOptionsError,
  resolveChromaOptions,
  type TuningEstimate,
} from './types'
