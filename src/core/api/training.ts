/**
 * Zod schemas of the training and insight part of the API: models, training runs and their loss
 * curves, the training configuration, accelerators, and the insight views' data. Frames cross the
 * API only with their frame rate (frame i centred at i / frameRate [seconds]).
 */
import { z } from 'zod'
import { Id } from './schemas'
import { DEFAULT_LEARNING_RATES } from './train-defaults'

/** A trained model in the library (the weights stay in the store). */
export const ModelSummary = z.strictObject({
  id: Id,
  name: z.string(),
  /** Model family: `dchord` (25 parameters), `dchord-unshared`, `conv`. */
  kind: z.string(),
  /** ISO 8601. */
  createdAt: z.string(),
  /** The model alignment and recognition use when they are asked to use "the model". */
  active: z.boolean(),
  paramCount: z.number().int(),
  /** Learnt η of the log compression log(1 + η·x). */
  eta: z.number(),
  /** The training run that made it, null for an imported or shipped model. */
  runId: Id.nullable(),
  /** Where its training data came from (manifest path, `library`, `tag:…`), when known. */
  corpus: z.string().nullable(),
  /** Loss it was trained with (`bce`, `sdtw`, `ctc`), when known. */
  loss: z.string().nullable(),
  /** Frame-wise F (seed metric) on the whole held-out test recordings, when measured. */
  testF: z.number().nullable(),
  /** Shipped with the app (resources/models). */
  builtIn: z.boolean(),
})
export type ModelSummary = z.infer<typeof ModelSummary>

/** One loss-curve point. */
export const EpochPoint = z.strictObject({
  /** 1-based. */
  epoch: z.number().int().positive(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
  /** Wall time of the epoch [ms]. */
  ms: z.number().nullable(),
})
export type EpochPoint = z.infer<typeof EpochPoint>

/** A model's learnt templates (seed Fig. 4.3): rows C:maj … B:maj, C:min … B:min; columns C … B. */
export const TemplatesDto = z.strictObject({
  rows: z.array(z.string()).length(24),
  templates: z.array(z.array(z.number()).length(12)).length(24),
  eta: z.number(),
})
export type TemplatesDto = z.infer<typeof TemplatesDto>

/** One row of a held-out comparison (a model, or the chroma templates `templates`). */
export const ComparisonRow = z.strictObject({
  /** `templates`, `new`, `active` (or a model id). */
  key: z.string(),
  /** majmin WCSR of forced alignment of the typed sequences (items that have one). */
  alignMajmin: z.number().nullable(),
  /** majmin WCSR of recognition without a sequence (HMM). */
  recognizeMajmin: z.number(),
  /** Frame-wise F of the arg-max prediction (seed metric); null for templates. */
  frameF: z.number().nullable(),
  perRecording: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      alignMajmin: z.number().nullable(),
      recognizeMajmin: z.number(),
    }),
  ),
})
export type ComparisonRow = z.infer<typeof ComparisonRow>

export const ModelDetail = z.strictObject({
  model: ModelSummary,
  templates: TemplatesDto,
  /** Its training curves, when it was trained (not for every shipped file). */
  curve: z.array(EpochPoint),
  bestEpoch: z.number().int().nullable(),
  /** Training options as stored (loss, soft length, γ …). */
  options: z.record(z.string(), z.unknown()),
  /** Held-out comparison measured when it was trained, if any. */
  heldOut: z.array(ComparisonRow).nullable(),
  /** The chroma it was trained on (`tuned` or the seed's untuned); null when the file does not say. */
  features: z.enum(['tuned', 'seed']).nullable(),
})
export type ModelDetail = z.infer<typeof ModelDetail>

/** Which recordings to train on. */
export const TrainCorpus = z.discriminatedUnion('kind', [
  z.strictObject({
    /** Every recording of the library whose current annotation is reviewed. */
    kind: z.literal('library'),
    /** Also use imported annotations (`.lab` files brought in with the audio) [boolean] (Default value = false). */
    includeImported: z.boolean().default(false),
  }),
  z.strictObject({
    /** The reviewed recordings with this tag. */
    kind: z.literal('tag'),
    tag: z.string().min(1).max(200),
    includeImported: z.boolean().default(false),
  }),
  z.strictObject({
    /** A corpus manifest (`manifest.json` as in shared/data) on the backend's machine. */
    kind: z.literal('manifest'),
    /** [absolute path] */
    path: z.string().min(1).max(4096),
  }),
])
export type TrainCorpus = z.infer<typeof TrainCorpus>

/** Stabilisers of soft-DTW training (Zeitler et al. 2023). */
export const Stabilisers = z.strictObject({
  /** γ = 10 for epochs 1–10, then log-linearly to 0.1 at epoch 20 [boolean] (Default value = true). */
  gammaSchedule: z.boolean().default(true),
  /** A diagonal prior on the cost fading out over 20 epochs [boolean] (Default value = true). */
  diagonalPrior: z.boolean().default(true),
  /** Divide the soft-DTW value by the frames (n), the targets (m), both, or not (Default value = 'n'). */
  normalize: z.enum(['none', 'n', 'm', 'n+m']).default('n'),
})
export type Stabilisers = z.infer<typeof Stabilisers>

/** Everything a training run is configured with. */
export const TrainConfig = z.strictObject({
  corpus: TrainCorpus,
  /**
   * `bce`: frame-wise targets of the aligned (reviewed) annotations; `sdtw` / `sdtw-div` / `ctc`: the
   * chord order only — the typed sequences. `sdtw-div` is the soft-DTW divergence
   * sdtw(P,Y) − ½sdtw(P,P) − ½sdtw(Y,Y), which does not reward flat predictions (Default value = 'sdtw').
   */
  loss: z.enum(['bce', 'sdtw', 'sdtw-div', 'ctc']).default('sdtw'),
  /**
   * Targets of `sdtw` / `ctc`: `typed` = the typed sequence of each whole recording (no times at all);
   * `segments` = the seed's protocol, 150-frame segments with the chord order of the annotation in them,
   * padded to the soft length (Default value = 'typed').
   */
  targets: z.enum(['typed', 'segments']).default('typed'),
  /**
   * Chroma to train on: `tuned` = the seed's fmp chroma at each recording's estimated tuning, as the model
   * reads when it aligns (right for recordings off A440: historic, tape speed, detuned bands); `seed` =
   * libfmp's untuned chroma, as the report (Default value = 'tuned').
   */
  features: z.enum(['tuned', 'seed']).default('tuned'),
  /** Soft length L of the padded targets [chords] (Default value = 16, the seed's). */
  softLength: z.number().int().min(1).max(1000).default(16),
  /**
   * Padding to the soft length; `unfold` = stretch the chord order to the frames (Default value =
   * 'unfold' for `typed` targets, 'uniform' for `segments`: on whole recordings with voice and drums,
   * soft-DTW with uniform padding to 16 learned near-flat templates (minor ones lost) where unfolding
   * learned what BCE on timed labels learns — docs/training.md).
   */
  pad: z.enum(['uniform', 'last', 'unfold', 'none']).optional(),
  stabilisers: Stabilisers.default({ gammaSchedule: true, diagonalPrior: true, normalize: 'n' }),
  /** Soft-DTW γ when there is no γ schedule (Default value = 1). */
  gamma: z.number().positive().max(1000).default(1),
  /** Epochs (Default value = 30). */
  epochs: z.number().int().min(1).max(5000).default(30),
  /** Items per Adam step, or all at once (Default value = 5, the seed's). */
  batchSize: z.union([z.number().int().min(1).max(10_000), z.literal('all')]).default(5),
  /**
   * Adam step size (Default value = by model family, `DEFAULT_LEARNING_RATES`: 0.1 for dChord and
   * unshared templates, the seed's; 0.003 for conv, whose ReLU units die at 0.1).
   */
  learningRate: z.number().positive().max(10).optional(),
  /** Seed of the initial weights and batch order (Default value = 0). */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  /** Model family (Default value = 'dchord', the seed's 25 parameters). */
  model: z.enum(['dchord', 'dchord-unshared', 'conv']).default('dchord'),
  /** Name of the new model (Default value = loss and date). */
  name: z.string().max(120).optional(),
})
export type TrainConfig = z.infer<typeof TrainConfig>

/** The step size a configuration trains with: its own, else its model family's default. */
export function learningRateOf(cfg: Pick<TrainConfig, 'learningRate' | 'model'>): number {
  return cfg.learningRate ?? DEFAULT_LEARNING_RATES[cfg.model]
}
export type TrainConfigInput = z.input<typeof TrainConfig>

export const TrainResult = z.strictObject({
  runId: Id,
  model: ModelSummary,
  cancelled: z.boolean(),
  bestEpoch: z.number().int(),
  epochsRun: z.number().int(),
  /** [ms] */
  ms: z.number(),
  /** The tfjs backend and soft-DTW engine that trained it, in words. */
  accelerator: z.string(),
  /** Items used: training / validation items, held-out recordings. */
  counts: z.strictObject({ train: z.number().int(), val: z.number().int(), heldOut: z.number().int() }),
  /** Recordings or items left out, with why (first few). */
  skipped: z.array(z.string()),
  /** The new model, the active one (if any) and the templates on the held-out recordings. */
  heldOut: z.array(ComparisonRow),
  /** Which model was active when training started (null: none). */
  activeModelId: Id.nullable(),
  /** What the service decided for the user (e.g. validation recordings taken from the training ones). */
  notes: z.array(z.string()),
})
export type TrainResult = z.infer<typeof TrainResult>

/** A training run in the library. */
export const RunSummary = z.strictObject({
  id: Id,
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  modelId: Id.nullable(),
  error: z.string().nullable(),
  config: z.record(z.string(), z.unknown()),
  epochs: z.array(EpochPoint),
})
export type RunSummary = z.infer<typeof RunSummary>

/** What trains and aligns here. */
export const Accelerators = z.strictObject({
  tfjs: z.strictObject({
    /** `node-gpu` | `node` | `wasm` | `cpu`. */
    candidate: z.string(),
    backend: z.string(),
    gpu: z.boolean(),
    description: z.string(),
  }),
  dtw: z.strictObject({
    /** Registered DTW backends (`ts`, `native`, `cuda`). */
    backends: z.array(z.string()),
    /** The backend soft-DTW training batches use. */
    training: z.string(),
    reason: z.string(),
    nativeReason: z.string().nullable(),
    cudaReason: z.string().nullable(),
  }),
})
export type Accelerators = z.infer<typeof Accelerators>

/** Events of a training job (`train-progress`). */
export const TrainProgress = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('epoch'),
    jobId: Id,
    runId: Id,
    epoch: z.number().int(),
    epochs: z.number().int(),
    trainLoss: z.number(),
    valLoss: z.number().nullable(),
    /** [ms] */
    ms: z.number(),
    gamma: z.number().nullable(),
    best: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('started'),
    jobId: Id,
    runId: Id,
    /** The tfjs backend and soft-DTW engine in words. */
    accelerator: z.string(),
    epochs: z.number().int(),
    counts: z.strictObject({ train: z.number().int(), val: z.number().int(), heldOut: z.number().int() }),
  }),
])
export type TrainProgress = z.infer<typeof TrainProgress>

/** Class distribution rows (seed Tables 4.2 / 4.3). */
export const DistributionDto = z.strictObject({
  /** Training segments counted. */
  segments: z.number().int(),
  rows: z.array(
    z.strictObject({
      name: z.string(),
      major: z.number().int(),
      minor: z.number().int(),
      noChord: z.number().int(),
      excluded: z.number().int(),
      total: z.number().int(),
      /** Targets per chord class 0..23. */
      perClass: z.array(z.number().int()).length(24),
    }),
  ),
})
export type DistributionDto = z.infer<typeof DistributionDto>

/** The soft-DTW expected alignment of one recording (seed Alg. 2). */
export const ExpectedAlignmentDto = z.strictObject({
  recordingId: Id,
  modelId: Id,
  frames: z.number().int(),
  /** [frames/s]; frame i is centred at i / frameRate [seconds]. */
  frameRate: z.number().positive(),
  /** The typed chords aligned (maj/min only), in order. */
  labels: z.array(z.string()),
  /** E, frames × labels row-major, base64 float32 (see `decodeFloat32`). */
  E: z.string(),
  /** Hard path, flattened [frame, position, frame, position, …]. */
  path: z.array(z.number().int()),
  value: z.number(),
  hardValue: z.number(),
  gamma: z.number(),
  skipped: z.array(z.string()),
})
export type ExpectedAlignmentDto = z.infer<typeof ExpectedAlignmentDto>

export const AccuracyDto = z.strictObject({
  modelId: Id,
  perRecording: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      majmin: z.number(),
      frameF: z.number(),
      duration: z.number(),
    }),
  ),
  perChord: z.array(
    z.strictObject({
      label: z.string(),
      cls: z.number().int(),
      duration: z.number(),
      recall: z.number(),
      precision: z.number().nullable(),
    }),
  ),
  majmin: z.number(),
  frameF: z.number(),
})
export type AccuracyDto = z.infer<typeof AccuracyDto>
