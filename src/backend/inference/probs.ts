/**
 * Chord-model probabilities of a recording, on any frame grid: the model reads the raw `fmp` chroma
 * it was trained on (≈ 10.77 frames/s) and its frames×24 softmax is resampled onto the grid of the
 * consumer, e.g. the aligner's `align` chroma (≈ 21.5 frames/s). Both grids centre frame t at
 * t / frameRate [seconds] (see `resampleProbabilities` in src/core/align).
 */
import { readFileSync } from 'node:fs'
import { type FrameGrid, type FrameProbabilities, resampleProbabilities } from '../../core/align'
import {
  type ChordModel,
  MODEL_FORMAT,
  MODEL_VERSION,
  type ModelFile,
  modelFromFile,
  NUM_CHORDS,
  predictProbs,
} from '../../core/model'
import { ensureTfBackend } from './tf'

/** Raw `fmp` chroma as the models read it: T×12 row-major, no compression, no normalisation. */
export interface RawChroma {
  data: Float32Array
  frames: number
  /** [frames/s] */
  frameRate: number
}

/** A model that cannot be read: the CLI and the API report it as the user's mistake. */
export class ModelFileError extends Error {
  override name = 'ModelFileError'
  readonly userError = true
}

/**
 * Read a model file from disk.
 * @throws ModelFileError with one line when the file is missing or not a ChordWarp model
 */
export function readModelFile(path: string): ModelFile {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    if (err.code === 'ENOENT') throw new ModelFileError(`model file not found: ${path}`)
    throw new ModelFileError(`${path} is not a JSON model file: ${err.message}`)
  }
  checkModelFile(json, path)
  return json as ModelFile
}

/**
 * Check that a parsed object looks like a model file of this version (format, version, config,
 * weights); whether its weights fit is checked when it is loaded.
 * @throws ModelFileError naming what is wrong
 */
export function checkModelFile(json: unknown, where = 'the model'): void {
  const f = json as Partial<ModelFile> | null
  if (!f || typeof f !== 'object' || f.format !== MODEL_FORMAT)
    throw new ModelFileError(`${where} is not a ChordWarp model file (expected "format": "${MODEL_FORMAT}")`)
  if (f.version !== MODEL_VERSION)
    throw new ModelFileError(
      `${where}: model file version ${f.version} is not supported (expected ${MODEL_VERSION})`,
    )
  if (!f.config || typeof f.config !== 'object' || !f.weights || typeof f.weights !== 'object')
    throw new ModelFileError(`${where}: the model file lacks "config" or "weights"`)
}

/**
 * Build the model of a model file after selecting the tfjs backend; dispose it when done.
 * @throws ModelFileError for a bad file
 */
export async function loadModel(file: unknown): Promise<ChordModel> {
  await ensureTfBackend()
  try {
    return modelFromFile(file).model
  } catch (e) {
    throw new ModelFileError(`the model cannot be used: ${(e as Error).message}`)
  }
}

/**
 * The model's chord probabilities of a recording (frames×24), on the chroma's own grid.
 * @param model a loaded model (tfjs backend selected)
 * @param fmp raw `fmp` chroma of the recording
 */
export function predictFrames(model: ChordModel, fmp: RawChroma): FrameProbabilities {
  if (fmp.data.length !== fmp.frames * 12)
    throw new RangeError(`chroma holds ${fmp.data.length} values for ${fmp.frames} frames × 12`)
  return {
    data: predictProbs(model, fmp.data, fmp.frames),
    classes: NUM_CHORDS,
    frames: fmp.frames,
    frameRate: fmp.frameRate,
  }
}

/**
 * The model's chord probabilities resampled onto `grid` (the aligner's frames).
 * @param model a loaded model
 * @param fmp raw `fmp` chroma of the recording
 * @param grid target frames and frame rate, e.g. the `align` chroma's
 */
export function modelProbabilitiesOn(model: ChordModel, fmp: RawChroma, grid: FrameGrid): FrameProbabilities {
  return resampleProbabilities(predictFrames(model, fmp), grid)
}
