/**
 * The recording an `align` / `recognize` command works on: chroma (align pipeline) and duration,
 * from an audio file or from the JSON that `chordwarp chroma --json` prints.
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { analyzeFile, DirectoryFeatureCache } from '../../backend/features'
import { modelChromaOptions, modelProbabilitiesOn } from '../../backend/inference'
import type { ChromaInput, ModelProbabilities } from '../../core/align'
import type { ChordModel } from '../../core/model'
import { UserError } from '../errors'

export interface Recording {
  chroma: ChromaInput
  /** [seconds] */
  duration: number
  /** Tuning the `align` chroma was computed with [cents]; absent for a chroma JSON input. */
  tuningCents?: number
}

function flatten(rows: unknown, name: string, path: string): Float32Array {
  if (!Array.isArray(rows)) throw new UserError(`${path}: "${name}" must be a list of 12-value rows`)
  const out = new Float32Array(rows.length * 12)
  rows.forEach((r, t) => {
    if (!Array.isArray(r) || r.length !== 12 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)))
      throw new UserError(`${path}: "${name}" row ${t + 1} is not 12 finite numbers`)
    out.set(r as number[], t * 12)
  })
  return out
}

/**
 * Chroma from `chordwarp chroma --json` output: {frameRate, chroma: T×12, bass?: T×12, duration?,
 * levelDb?: T numbers [dBFS], onset?: T numbers}.
 */
export function readChromaJson(path: string): Recording {
  let v: Record<string, unknown>
  try {
    v = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch (e) {
    throw new UserError(`${path}: not a chroma JSON file (${(e as Error).message})`)
  }
  const frameRate = Number(v.frameRate)
  if (!(frameRate > 0)) throw new UserError(`${path}: "frameRate" must be a positive number`)
  const data = flatten(v.chroma, 'chroma', path)
  const frames = data.length / 12
  const bass = v.bass === undefined ? undefined : flatten(v.bass, 'bass', path)
  if (bass && bass.length !== data.length)
    throw new UserError(`${path}: "bass" and "chroma" differ in length`)
  const duration = typeof v.duration === 'number' && v.duration > 0 ? v.duration : frames / frameRate
  const perFrame = (name: 'levelDb' | 'onset'): Float32Array | undefined => {
    const l = v[name]
    if (l === undefined) return undefined
    if (
      !Array.isArray(l) ||
      l.length !== frames ||
      !l.every((x) => typeof x === 'number' && Number.isFinite(x))
    )
      throw new UserError(`${path}: "${name}" must be one finite number per chroma row`)
    return Float32Array.from(l as number[])
  }
  const levelDb = perFrame('levelDb')
  const onset = perFrame('onset')
  return {
    chroma: { data, bass, frames, frameRate, ...(levelDb ? { levelDb } : {}), ...(onset ? { onset } : {}) },
    duration,
  }
}

/** Where features are cached: the same folder as `chordwarp chroma` uses. */
export function featureCacheDir(dir?: string): string {
  return dir ?? process.env.CHORDWARP_CACHE_DIR ?? join(homedir(), '.cache', 'chordwarp', 'features')
}

export interface LoadOptions {
  /** Read and fill the feature cache. Default true. */
  cache?: boolean
  /** Cache folder. Default `featureCacheDir()`. */
  cacheDir?: string
}

/**
 * Load a recording: an audio file (decoded, `align` chroma pipeline, feature cache) or the `.json`
 * chroma that `chordwarp chroma --json` prints. The duration is the decoded length, which the
 * chroma carries (also on a feature-cache hit).
 * @throws UserError / AudioDecodeError with one line for a missing or unreadable file
 */
export async function loadRecording(path: string, options: LoadOptions = {}): Promise<Recording> {
  if (!existsSync(path)) throw new UserError(`file not found: ${path}`)
  if (path.toLowerCase().endsWith('.json')) return readChromaJson(path)
  const cache = options.cache === false ? null : new DirectoryFeatureCache(featureCacheDir(options.cacheDir))
  const r = await analyzeFile(path, { pipeline: 'align' }, { cache })
  const c = r.chroma
  const duration = c.duration ?? r.decode?.duration ?? (c.frames - 0.5) / c.frameRate
  return { chroma: c, duration, tuningCents: c.tuningCents }
}

/**
 * The raw `fmp` chroma a chord model reads (≈ 10.77 frames/s, no compression or normalisation), from
 * an audio file through the feature cache, its filterbank shifted by `tuningCents` (see
 * `modelChromaOptions`).
 * @param tuningCents the recording's tuning, that of its `align` chroma [cents] (Default value = 0)
 * @throws UserError for a chroma JSON input (a model needs the audio)
 */
export async function loadModelChroma(
  path: string,
  options: LoadOptions = {},
  tuningCents = 0,
): Promise<{ data: Float32Array; frames: number; frameRate: number }> {
  if (!existsSync(path)) throw new UserError(`file not found: ${path}`)
  if (path.toLowerCase().endsWith('.json'))
    throw new UserError(
      '--model needs the audio file: a chord model reads its own (fmp) chroma, not a chroma JSON',
    )
  const cache = options.cache === false ? null : new DirectoryFeatureCache(featureCacheDir(options.cacheDir))
  const c = (await analyzeFile(path, modelChromaOptions(tuningCents), { cache })).chroma
  return { data: c.data, frames: c.frames, frameRate: c.frameRate }
}

/**
 * A chord model's probabilities of a recording on the grid of its `align` chroma (the frames the
 * aligner and recognizer read), for `--model`: the model reads `fmp` chroma tuned like the `align`
 * chroma, so the model and the templates hear the same pitches.
 */
export async function modelEmissions(
  model: ChordModel,
  audio: string,
  rec: Recording,
  options: LoadOptions = {},
): Promise<ModelProbabilities> {
  const fmp = await loadModelChroma(audio, options, rec.tuningCents ?? 0)
  const p = modelProbabilitiesOn(model, fmp, rec.chroma)
  return { data: p.data, classes: p.classes }
}
