/**
 * Chroma for training: the `fmp` pipeline of `src/backend/features` (the seed's libfmp C5 chroma, raw:
 * no log compression and no normalisation, since the model learns its own compression), read through
 * the same feature cache as `chordwarp chroma`.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { TrainingFeatures } from '../../core/model'
import { chromaOfFile, DirectoryFeatureCache } from '../features'
import type { ChromaSource } from './corpus'

/** Where features are cached: `$CHORDWARP_CACHE_DIR`, else `~/.cache/chordwarp/features` (as `chordwarp chroma`). */
export function featureCacheDir(): string {
  return process.env.CHORDWARP_CACHE_DIR ?? join(homedir(), '.cache', 'chordwarp', 'features')
}

/**
 * The chroma source of training commands.
 * @param cache read and fill the feature cache (default true)
 * @param features `seed`: libfmp's untuned chroma, as the seed (default); `tuned`: the same pipeline
 *   at the recording's estimated tuning (the estimator of the `align` chroma, so the same cents), which
 *   is what a model reads when it aligns or recognises — a recording 40 cents sharp then trains the
 *   templates of its chords instead of a smear between two neighbours
 */
export function defaultChromaSource(cache = true, features: TrainingFeatures = 'seed'): ChromaSource {
  const c = cache ? new DirectoryFeatureCache(featureCacheDir()) : null
  const options =
    features === 'tuned'
      ? { pipeline: 'fmp' as const, tuning: 'auto' as const }
      : { pipeline: 'fmp' as const }
  return async (path) => {
    const chroma = await chromaOfFile(path, options, { cache: c })
    if (chroma.pipeline !== 'fmp' || chroma.frames * 12 !== chroma.data.length)
      throw new Error(`unexpected chroma for ${path} (pipeline ${chroma.pipeline}, ${chroma.frames} frames)`)
    return { data: chroma.data, frames: chroma.frames, frameRate: chroma.frameRate }
  }
}
