/**
 * Training of the chord models (seed §3.2 / §4): Adam, mini-batches of items, a fixed number of
 * epochs, the best model by validation loss. Seeded and deterministic for a given tfjs backend (the
 * initial weights and the batch order come from our own PRNG; the arithmetic is the backend's).
 *
 * The loop is backend-agnostic and synchronous per batch; it awaits `hooks.onEpoch` after every epoch,
 * so a worker can post progress and check for cancellation there.
 */
import * as tf from '@tensorflow/tfjs'
import { ctcMinFrames } from './ctc'
import { type ChordModel, createModel, defaultModelConfig, type ModelConfig, type ModelKind } from './dchord'
import { dtwEngine } from './dtw-engine'
import { bceLoss, cceLoss, ctcBatchLoss, softDtwLoss } from './losses'
import { createRng, shuffledIndices } from './rng'
import { MAX_SELF_CELLS, type SoftDtwEngine } from './sdtw-op'
import type { TrainItem } from './segments'
import {
  type DiagonalPrior,
  type GammaSchedule,
  gammaAt,
  type LengthNormalization,
  priorWeightAt,
} from './stabilisers'
import { NUM_CHORDS, oneHot, type PadMode, softTarget } from './targets'

/** Training losses. */
export type LossName = 'bce' | 'cce' | 'sdtw' | 'sdtw-div' | 'ctc'

/** The losses on padded coarse targets through the soft-DTW engine: soft-DTW and its divergence. */
export function isSoftDtwLoss(loss: LossName): loss is 'sdtw' | 'sdtw-div' {
  return loss === 'sdtw' || loss === 'sdtw-div'
}

/** Everything that defines a training run (stored with the model). */
export interface TrainOptions {
  /** `bce` / `cce` on strong targets, `sdtw` (or `sdtw-div`, the soft-DTW divergence) on padded coarse targets, `ctc` on the coarse sequence. Default `sdtw`. */
  loss: LossName
  /** Soft length L of `uniform` / `last` padding [targets]. Default 16. */
  softLength: number
  /** Padding of coarse targets for soft-DTW. Default `uniform`. */
  pad: PadMode
  /** Soft-DTW γ (when no schedule). Default 1 (the seed's code default; the author's runs used 0.3). */
  gamma: number
  /** γ schedule, or null for a constant `gamma`. Default null. */
  gammaSchedule: GammaSchedule | null
  /** Fading diagonal prior, or null. Default null. */
  diagonalPrior: DiagonalPrior | null
  /** Soft-DTW length normalisation. Default `none` (the seed). */
  normalize: LengthNormalization
  /** CTC with a learned blank class (standard) or the blank-free stay/advance lattice. Default true. */
  ctcBlank: boolean
  /** Adam step size α. Default by model kind (`defaultLearningRates`): 0.1 for dChord (the seed's), 0.003 for conv. */
  learningRate: number
  /** Adam β₁. Default 0.9. */
  beta1: number
  /** Adam β₂. Default 0.999. */
  beta2: number
  /** Adam ε. Default 1e-8. */
  epsilon: number
  /** Items per batch, or `all` for one batch of every training item (the author's runs). Default 5. */
  batchSize: number | 'all'
  /** Number of epochs. Default 200. */
  epochs: number
  /** Seed of initial weights and batch order [integer]. Default 0. */
  seed: number
  /** Model configuration (its `seed` defaults to `seed`). Default dChord, binary init. */
  model: Partial<ModelConfig>
}

/**
 * Adam step size per model kind when none is given: the seed's 0.1 for the template models; 0.003 for
 * `conv`, whose ReLU units die at 0.1 (frame F 0.07 after 10 epochs) — the seed table's conv rows.
 */
export const defaultLearningRates: Readonly<Record<ModelKind, number>> = {
  dchord: 0.1,
  'dchord-unshared': 0.1,
  conv: 0.003,
}

/** `learningRate` here is dChord's; `resolveTrainOptions` takes the model kind's (`defaultLearningRates`) when none is given. */
export const defaultTrainOptions: TrainOptions = {
  loss: 'sdtw',
  softLength: 16,
  pad: 'uniform',
  gamma: 1,
  gammaSchedule: null,
  diagonalPrior: null,
  normalize: 'none',
  ctcBlank: true,
  learningRate: 0.1,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  batchSize: 5,
  epochs: 200,
  seed: 0,
  model: {},
}

/** Progress after one epoch. */
export interface EpochReport {
  /** 1-based epoch. */
  epoch: number
  epochs: number
  /** Mean training loss over the epoch's batches (weighted by items). */
  trainLoss: number
  /** Validation loss, or null without validation items. */
  valLoss: number | null
  /** Wall time of the epoch [ms]. */
  ms: number
  /** Training γ of this epoch (soft-DTW), else null. */
  gamma: number | null
  /** Whether this epoch is the best so far. */
  best: boolean
}

/** Callbacks and services of a run. */
export interface TrainHooks {
  /** Called after every epoch; awaited. */
  onEpoch?: (report: EpochReport) => void | Promise<void>
  /** Polled between batches; true stops the run (the best model so far is returned). */
  shouldStop?: () => boolean
  /** Clock [ms]. Default `Date.now`. */
  now?: () => number
  /** Soft-DTW engine. Default `dtwEngine` (src/core/dtw). */
  engine?: SoftDtwEngine
}

/** An item left out of training, with the reason. */
export interface SkippedItem {
  id: string
  reason: string
}

/**
 * What chose the returned epoch: `validation` = the lowest validation loss; `training` (no validation
 * items) = the lowest loss on the training items recomputed after the epoch with the evaluation
 * settings of the validation loss (the final γ of a schedule, no diagonal prior, the epoch's final
 * weights), so that epochs compare even while γ and the prior change.
 */
export type EpochSelection = 'validation' | 'training'

/** Outcome of a run. */
export interface TrainResult {
  /** The model with the best weights (see `selectedBy`). */
  model: ChordModel
  options: TrainOptions
  /** 1-based epoch of the selected weights. */
  bestEpoch: number
  bestValLoss: number | null
  /** How `bestEpoch` was chosen. */
  selectedBy: EpochSelection
  /** Mean training loss per epoch, at that epoch's γ and prior (the optimised objective). */
  trainLoss: number[]
  valLoss: (number | null)[]
  /**
   * Without validation items: the training items' loss after each epoch at the evaluation settings
   * (final γ, no prior), the selection criterion; empty when there are validation items.
   */
  trainEvalLoss: number[]
  epochsRun: number
  cancelled: boolean
  /** [ms] */
  ms: number
  skipped: SkippedItem[]
  counts: { train: number; val: number }
}

interface Prepared {
  id: string
  frames: number
  x: Float32Array
  strong: Float32Array | null // T×24 one-hot
  mask: Float32Array | null // T
  seq: number[]
}

/** Merge options once (STYLE.md §1), checking values. */
export function resolveTrainOptions(options: Partial<TrainOptions> = {}): TrainOptions {
  const o: TrainOptions = { ...defaultTrainOptions, ...options, model: { ...options.model } }
  if (o.model.seed === undefined) o.model.seed = o.seed
  if (options.learningRate === undefined)
    o.learningRate =
      defaultLearningRates[o.model.kind ?? defaultModelConfig.kind] ?? defaultTrainOptions.learningRate
  if (!['bce', 'cce', 'sdtw', 'sdtw-div', 'ctc'].includes(o.loss))
    throw new RangeError(`loss must be bce, cce, sdtw, sdtw-div or ctc, got "${o.loss}"`)
  if (!['uniform', 'last', 'unfold', 'none'].includes(o.pad))
    throw new RangeError(`pad must be uniform, last, unfold or none, got "${o.pad}"`)
  if (!(Number.isInteger(o.softLength) && o.softLength >= 1))
    throw new RangeError(`softLength must be an integer ≥ 1, got ${o.softLength}`)
  if (!(o.gamma > 0)) throw new RangeError(`gamma must be > 0, got ${o.gamma}`)
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1))
    throw new RangeError(`epochs must be an integer ≥ 1, got ${o.epochs}`)
  if (o.batchSize !== 'all' && !(Number.isInteger(o.batchSize) && o.batchSize >= 1))
    throw new RangeError(`batchSize must be an integer ≥ 1 or "all", got ${o.batchSize}`)
  if (!(o.learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${o.learningRate}`)
  return o
}

/** The model configuration a run trains (CTC with a blank adds the blank logit). */
export function modelConfigFor(o: TrainOptions): Partial<ModelConfig> {
  return { ...o.model, blank: o.loss === 'ctc' && o.ctcBlank }
}

function prepare(items: readonly TrainItem[], o: TrainOptions, skipped: SkippedItem[]): Prepared[] {
  const out: Prepared[] = []
  const blank = o.ctcBlank ? NUM_CHORDS : -1
  for (const it of items) {
    let strong: Float32Array | null = null
    let mask: Float32Array | null = null
    let seq: number[] = []
    if (o.loss === 'bce' || o.loss === 'cce') {
      if (!it.strong) {
        skipped.push({ id: it.id, reason: 'no strong (timed) targets' })
        continue
      }
      strong = oneHot(it.strong)
      mask = new Float32Array(it.frames)
      let any = false
      for (let t = 0; t < it.frames; t++) {
        const c = it.strong[t]!
        if (c >= 0 && c < NUM_CHORDS) {
          mask[t] = 1
          any = true
        }
      }
      if (!any) {
        skipped.push({ id: it.id, reason: 'no chord frames' })
        continue
      }
    } else {
      if (it.coarse.length === 0) {
        skipped.push({ id: it.id, reason: 'empty chord sequence' })
        continue
      }
      if (o.loss === 'sdtw-div' && it.frames * it.frames > MAX_SELF_CELLS) {
        skipped.push({
          id: it.id,
          reason: `${it.frames} frames: the soft-DTW divergence compares a recording with itself (${it.frames}² cells, more than ${MAX_SELF_CELLS}); use soft-DTW, or 150-frame segments`,
        })
        continue
      }
      if (isSoftDtwLoss(o.loss) && o.pad === 'unfold' && it.frames * it.frames > MAX_SELF_CELLS) {
        skipped.push({
          id: it.id,
          reason: `${it.frames} frames: sequence unfolding aligns ${it.frames} frames with ${it.frames} targets (more than ${MAX_SELF_CELLS} cells); use uniform padding, or 150-frame segments`,
        })
        continue
      }
      if (isSoftDtwLoss(o.loss)) seq = softTarget(it.coarse, o.pad, o.softLength, it.frames)
      else {
        seq = it.coarse
        if (ctcMinFrames(seq, blank) > it.frames) {
          skipped.push({ id: it.id, reason: `${seq.length} chords do not fit ${it.frames} frames for CTC` })
          continue
        }
      }
    }
    out.push({ id: it.id, frames: it.frames, x: it.x, strong, mask, seq })
  }
  return out
}

interface Batch {
  x: tf.Tensor3D
  n: Int32Array
  strong: tf.Tensor3D | null
  mask: tf.Tensor2D | null
  target: tf.Tensor3D | null
  m: Int32Array
  labels: number[][]
}

function assemble(items: readonly Prepared[], o: TrainOptions): Batch {
  const B = items.length
  const T = Math.max(...items.map((p) => p.frames))
  const n = new Int32Array(B)
  const xs = new Float32Array(B * T * 12)
  items.forEach((p, b) => {
    n[b] = p.frames
    xs.set(p.x.subarray(0, p.frames * 12), b * T * 12)
  })
  const batch: Batch = {
    x: tf.tensor3d(xs, [B, T, 12]),
    n,
    strong: null,
    mask: null,
    target: null,
    m: new Int32Array(B),
    labels: [],
  }
  if (o.loss === 'bce' || o.loss === 'cce') {
    const s = new Float32Array(B * T * NUM_CHORDS)
    const mk = new Float32Array(B * T)
    items.forEach((p, b) => {
      s.set(p.strong!, b * T * NUM_CHORDS)
      mk.set(p.mask!, b * T)
    })
    batch.strong = tf.tensor3d(s, [B, T, NUM_CHORDS])
    batch.mask = tf.tensor2d(mk, [B, T])
  } else if (isSoftDtwLoss(o.loss)) {
    const M = Math.max(...items.map((p) => p.seq.length))
    const y = new Float32Array(B * M * NUM_CHORDS)
    items.forEach((p, b) => {
      batch.m[b] = p.seq.length
      y.set(oneHot(p.seq), b * M * NUM_CHORDS)
    })
    batch.target = tf.tensor3d(y, [B, M, NUM_CHORDS])
  } else {
    batch.labels = items.map((p) => p.seq)
  }
  return batch
}

function disposeBatch(b: Batch): void {
  for (const t of [b.x, b.strong, b.mask, b.target]) t?.dispose()
}

function batchLoss(
  model: ChordModel,
  b: Batch,
  o: TrainOptions,
  gamma: number,
  priorWeight: number,
  engine: SoftDtwEngine,
): tf.Scalar {
  const logits = model.logits(b.x)
  switch (o.loss) {
    case 'bce':
      return bceLoss(tf.softmax(logits) as tf.Tensor3D, b.strong!, b.mask!)
    case 'cce':
      return cceLoss(logits, b.strong!, b.mask!)
    case 'sdtw':
    case 'sdtw-div':
      return softDtwLoss(
        tf.softmax(logits) as tf.Tensor3D,
        b.target!,
        b.n,
        b.m,
        { gamma, priorWeight, normalize: o.normalize, divergence: o.loss === 'sdtw-div' },
        engine,
      )
    case 'ctc':
      return ctcBatchLoss(logits, b.labels, b.n, o.ctcBlank ? NUM_CHORDS : -1)
  }
}

function batches(n: number, size: number | 'all', order: number[]): number[][] {
  const s = size === 'all' ? Math.max(1, n) : size
  const out: number[][] = []
  for (let i = 0; i < n; i += s) out.push(order.slice(i, i + s))
  return out
}

/** Validation items per forward pass (memory bound only; the loss is the item-weighted mean). */
const VAL_BATCH = 64

/**
 * Loss of a model over items (no gradient), item-weighted mean over batches of `VAL_BATCH`.
 * Soft-DTW uses `gamma` and no prior.
 */
export function evaluateLoss(
  model: ChordModel,
  items: readonly TrainItem[],
  options: Partial<TrainOptions>,
  engine: SoftDtwEngine = dtwEngine,
  gamma?: number,
): number | null {
  const o = resolveTrainOptions(options)
  const prepared = prepare(items, o, [])
  return lossOver(
    model,
    prepared,
    o,
    gamma ?? (o.gammaSchedule ? o.gammaSchedule.end : o.gamma),
    engine,
    VAL_BATCH,
  )
}

function lossOver(
  model: ChordModel,
  prepared: readonly Prepared[],
  o: TrainOptions,
  gamma: number,
  engine: SoftDtwEngine,
  size: number | 'all',
): number | null {
  if (prepared.length === 0) return null
  let total = 0
  for (const idx of batches(
    prepared.length,
    size,
    prepared.map((_, i) => i),
  )) {
    const b = assemble(
      idx.map((i) => prepared[i]!),
      o,
    )
    const v = tf.tidy(() => batchLoss(model, b, o, gamma, 0, engine).dataSync()[0]!)
    disposeBatch(b)
    total += v * idx.length
  }
  return total / prepared.length
}

/**
 * Train a model.
 * @param data training and validation items (see `cutSegments`)
 * @param options merged over `defaultTrainOptions`
 * @param hooks progress, cancellation, clock, soft-DTW engine
 * @example const r = await train({ train, val }, { loss: 'bce', epochs: 20 }); r.model.templates()
 */
export async function train(
  data: { train: readonly TrainItem[]; val: readonly TrainItem[] },
  options: Partial<TrainOptions> = {},
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const o = resolveTrainOptions(options)
  const now = hooks.now ?? Date.now
  const engine = hooks.engine ?? dtwEngine
  const t0 = now()
  const skipped: SkippedItem[] = []
  const trainSet = prepare(data.train, o, skipped)
  const valSet = prepare(data.val, o, skipped)
  if (trainSet.length === 0)
    throw new RangeError(
      data.train.length === 0
        ? 'train: there are no training items (is a split "train" in the manifest?)'
        : `train: no usable training items for the ${o.loss} loss: ${skipped.length} skipped, e.g. ${skipped[0]!.id}: ${skipped[0]!.reason}`,
    )
  const model = createModel(modelConfigFor(o))
  const optimizer = tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon)
  const rng = createRng(o.seed)
  const valGamma = o.gammaSchedule ? o.gammaSchedule.end : o.gamma
  const valBatch = o.batchSize === 'all' ? 'all' : VAL_BATCH
  const trainLoss: number[] = []
  const valLoss: (number | null)[] = []
  const trainEvalLoss: number[] = []
  const selectedBy: EpochSelection = valSet.length > 0 ? 'validation' : 'training'
  let best = Number.POSITIVE_INFINITY
  let bestEpoch = 0
  let bestWeights = model.getWeights()
  let cancelled = false
  try {
    for (let e = 0; e < o.epochs && !cancelled; e++) {
      const te = now()
      const gamma = o.gammaSchedule ? gammaAt(o.gammaSchedule, e) : o.gamma
      const prior = o.diagonalPrior ? priorWeightAt(o.diagonalPrior, e) : 0
      let sum = 0
      let count = 0
      for (const idx of batches(trainSet.length, o.batchSize, shuffledIndices(trainSet.length, rng))) {
        if (hooks.shouldStop?.()) {
          cancelled = true
          break
        }
        const b = assemble(
          idx.map((i) => trainSet[i]!),
          o,
        )
        const cost = optimizer.minimize(
          () => batchLoss(model, b, o, gamma, prior, engine),
          true,
          model.variables,
        )
        const v = cost!.dataSync()[0]!
        cost!.dispose()
        disposeBatch(b)
        if (!Number.isFinite(v)) throw new Error(`train: the ${o.loss} loss became ${v} at epoch ${e + 1}`)
        sum += v * idx.length
        count += idx.length
      }
      if (cancelled && count === 0) break
      const tl = sum / count
      const vl = lossOver(model, valSet, o, valGamma, engine, valBatch)
      trainLoss.push(tl)
      valLoss.push(vl)
      // Without validation items the running training loss is no criterion: it mixes the weights of a
      // whole epoch, and under a γ schedule / fading prior its scale changes from epoch to epoch (γ 10
      // gives a far lower soft-DTW value than γ 0.1). Recompute it at the evaluation settings instead.
      let score: number
      if (vl !== null) score = vl
      else {
        score = lossOver(model, trainSet, o, valGamma, engine, valBatch)!
        trainEvalLoss.push(score)
      }
      const isBest = score < best
      if (isBest) {
        best = score
        bestEpoch = e + 1
        bestWeights = model.getWeights()
      }
      await hooks.onEpoch?.({
        epoch: e + 1,
        epochs: o.epochs,
        trainLoss: tl,
        valLoss: vl,
        ms: now() - te,
        gamma: isSoftDtwLoss(o.loss) ? gamma : null,
        best: isBest,
      })
      if (hooks.shouldStop?.()) cancelled = true
    }
  } finally {
    optimizer.dispose()
  }
  model.setWeights(bestWeights)
  return {
    model,
    options: o,
    bestEpoch,
    bestValLoss: valSet.length > 0 && bestEpoch > 0 ? best : null,
    selectedBy,
    trainLoss,
    valLoss,
    trainEvalLoss,
    epochsRun: trainLoss.length,
    cancelled,
    ms: now() - t0,
    skipped,
    counts: { train: trainSet.length, val: valSet.length },
  }
}
