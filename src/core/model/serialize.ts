/**
 * Model files: JSON with the configuration, the weights, how the model was trained, its metrics and
 * the corpus it was trained on.
 */
import { type ChordModel, createModel, defaultModelConfig, type ModelConfig, type Weights } from './dchord'
import type { EpochSelection, TrainOptions } from './trainer'

export const MODEL_FORMAT = 'chordwarp-model'
export const MODEL_VERSION = 1

/** How a model was trained. */
export interface TrainingRecord {
  options: TrainOptions
  bestEpoch: number
  bestValLoss: number | null
  /** How the best epoch was chosen (absent in files written before it was recorded). */
  selectedBy?: EpochSelection
  epochsRun: number
  trainLoss: number[]
  valLoss: (number | null)[]
  /** [ms] */
  ms: number
  /** tfjs backend used (`wasm`, `cpu`, `tensorflow`). */
  backend?: string
  /** soft-DTW engine used. */
  engine?: string
  counts?: { train: number; val: number }
}

/** The corpus a model was trained on. */
export interface CorpusRecord {
  /** Hash over the items' ids and file contents (see `src/backend/model`). */
  fingerprint: string
  /** Where it came from (manifest path as given). */
  source?: string
  items?: { train: string[]; val: string[]; test: string[] }
  /**
   * The chroma it was trained on: `seed` = libfmp's `fmp` chroma as the seed computes it (tuning 0);
   * `tuned` = the same pipeline at each recording's estimated tuning (as the model reads at prediction).
   * Absent in files written before the choice existed (they were trained on `seed`).
   */
  features?: TrainingFeatures
}

/** Which `fmp` chroma a model is trained on (see `CorpusRecord.features`). */
export type TrainingFeatures = 'seed' | 'tuned'

/** A model file. */
export interface ModelFile {
  format: typeof MODEL_FORMAT
  version: typeof MODEL_VERSION
  name?: string
  createdAt: string
  config: ModelConfig
  paramCount: number
  eta: number
  weights: Weights
  training?: TrainingRecord
  metrics?: Record<string, unknown>
  corpus?: CorpusRecord
}

/** Describe a model as a file object. */
export function modelToFile(
  model: ChordModel,
  extra: {
    name?: string
    training?: TrainingRecord
    metrics?: Record<string, unknown>
    corpus?: CorpusRecord
    createdAt?: string
  } = {},
): ModelFile {
  const f: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdAt: extra.createdAt ?? new Date().toISOString(),
    config: { ...model.config },
    paramCount: model.paramCount(),
    eta: model.eta(),
    weights: model.getWeights(),
  }
  if (extra.name !== undefined) f.name = extra.name
  if (extra.training) f.training = extra.training
  if (extra.metrics) f.metrics = extra.metrics
  if (extra.corpus) f.corpus = extra.corpus
  return f
}

/**
 * Rebuild a model from a parsed model file.
 * @throws Error naming what is wrong when the object is not a model file of this version
 */
export function modelFromFile(json: unknown): { model: ChordModel; file: ModelFile } {
  const f = json as Partial<ModelFile> | null
  if (!f || typeof f !== 'object' || f.format !== MODEL_FORMAT)
    throw new Error(`not a ChordWarp model file (expected "format": "${MODEL_FORMAT}")`)
  if (f.version !== MODEL_VERSION)
    throw new Error(`model file version ${f.version} is not supported (expected ${MODEL_VERSION})`)
  if (!f.config || typeof f.config !== 'object' || !f.weights)
    throw new Error('model file lacks "config" or "weights"')
  const model = createModel({ ...defaultModelConfig, ...f.config })
  try {
    model.setWeights(f.weights)
  } catch (e) {
    model.dispose()
    throw e
  }
  return { model, file: f as ModelFile }
}
