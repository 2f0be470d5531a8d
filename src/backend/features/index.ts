/** Chroma of files in Node: decode + features, with a content-hash feature cache. */
export {
  DirectoryFeatureCache,
  deserializeChroma,
  FEATURES_VERSION,
  type FeatureCache,
  featureCacheKey,
  hashFile,
  serializeChroma,
} from './cache'
export {
  analyzeFile,
  type ChromaFileOptions,
  type ChromaFileResult,
  chromaOfFile,
  decodeFileMono,
  defaultChromaFileOptions,
} from './chroma-file'
