/**
 * The training and insight methods of the API: models (list, detail, activate / roll back), training
 * jobs (corpus → worker-thread training → a new model, compared with the active one on held-out
 * recordings), training runs, accelerators, and the data of the insight views. Heavy work runs in
 * worker threads: the training worker of src/backend/training and the job worker's model tasks.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import {
  type AccuracyDto,
  ApiError,
  type ApiEvents,
  type ComparisonRow,
  type DistributionDto,
  type ExpectedAlignmentDto,
  encodeFloat32,
  type JobKind,
  type JobRef,
  learningRateOf,
  type MethodName,
  type MethodOutput,
  type ModelDetail,
  type ModelSummary,
  type ParsedInput,
  padOf,
  type RunSummary,
  type TemplatesDto,
  type TrainConfig,
  type TrainCorpus,
  type TrainResult,
} from '../../core/api'
import { labToSequence, parseSequence, type Segment } from '../../core/chords'
import type { Chroma } from '../../core/features'
import {
  defaultDiagonalPrior,
  defaultGammaSchedule,
  isSoftDtwLoss,
  MODEL_FORMAT,
  MODEL_VERSION,
  type ModelFile,
  type Recording,
  sequenceClasses,
  strongTargets,
  type TrainingFeatures,
  type TrainOptions,
} from '../../core/model'
import type { RawChroma, ScoredRecording } from '../inference'
import type { TrainingJob } from '../training/job'
import type { TrainingRequest } from '../training/session'
import { splitItems } from '../training/session'
import type { JobContext } from './jobs'
import type { HeldOutItem, LoadedManifest } from './model-tasks'
import type { StoredModel, StoredRecording, TrainingCandidate, TrainingPort } from './ports'

/** Starts a training job on a worker thread (src/backend/training/job.ts), replaceable in tests. */
export type TrainerPort = (request: TrainingRequest) => TrainingJob

type Handlers = { [K in MethodName]: (input: ParsedInput<K>) => Promise<MethodOutput<K>> }

/** What the training handlers need from the service. */
export interface TrainingDeps {
  port: TrainingPort | null
  /** Why training is unavailable (one line), when `port` or `trainer` is null. */
  missing: string
  trainer: TrainerPort | null
  start(kind: JobKind, fn: (ctx: JobContext) => Promise<unknown>): JobRef
  emit<E extends keyof ApiEvents>(event: E, ...args: ApiEvents[E]): void
  recording(id: string): StoredRecording
  /** Chroma of a recording for a pipeline (cached in the store, computed in a worker). */
  chroma(
    rec: StoredRecording,
    ctx: JobContext,
    pipeline: 'align' | 'fmp',
    tuningCents?: number,
  ): Promise<Chroma>
  /** Run a worker task outside of any job (for calls that need a worker). */
  runTask<T>(task: string, input: unknown): Promise<T>
}

/** Splits of library recordings without one, from their content hash: ≈ 65 % train, 15 % val, 20 % test. */
export function hashSplit(contentHash: string): 'train' | 'val' | 'test' {
  const u = Number.parseInt(contentHash.slice(0, 8), 16) / 2 ** 32
  return u < 0.2 ? 'test' : u < 0.35 ? 'val' : 'train'
}

/**
 * The best model is chosen by validation loss; a corpus without validation recordings gets some from
 * its training recordings (≈ 20 %, at least 1, chosen by a hash of their ids), when it has three or
 * more. Without any, the trainer would pick the epoch by training loss, which a γ schedule makes
 * incomparable across epochs (a large γ gives a much lower soft-DTW value).
 * @returns the ids moved to validation (the recordings are changed in place)
 */
export function ensureValidation(recordings: Recording[]): string[] {
  if (recordings.some((r) => r.split === 'val')) return []
  const train = recordings.filter((r) => (r.split ?? 'train') === 'train')
  if (train.length < 3) return []
  const k = Math.max(1, Math.round(train.length * 0.2))
  const key = (id: string) => createHash('sha256').update(id).digest('hex')
  const chosen = [...train].sort((a, b) => (key(a.id) < key(b.id) ? -1 : 1)).slice(0, k)
  for (const r of chosen) r.split = 'val'
  return chosen.map((r) => r.id)
}

/** Train options of an API training configuration. */
export function trainOptions(cfg: TrainConfig): Partial<TrainOptions> {
  const sdtw = isSoftDtwLoss(cfg.loss)
  // the stabilisers' schedules (γ 10 → 0.1 over epochs 1–20, prior fading over 20 epochs) are
  // compressed into the first two thirds of shorter runs, so that every run ends at the final γ
  const third = Math.max(1, Math.round(cfg.epochs / 3))
  const gammaSchedule =
    cfg.epochs >= 30
      ? defaultGammaSchedule
      : { ...defaultGammaSchedule, holdEpochs: third, decayEpochs: third }
  const prior = cfg.epochs >= 30 ? defaultDiagonalPrior : { ...defaultDiagonalPrior, fadeEpochs: 2 * third }
  return {
    loss: cfg.loss,
    softLength: cfg.softLength,
    pad: padOf(cfg),
    gamma: cfg.gamma,
    gammaSchedule: sdtw && cfg.stabilisers.gammaSchedule ? gammaSchedule : null,
    diagonalPrior: sdtw && cfg.stabilisers.diagonalPrior ? prior : null,
    normalize: sdtw ? cfg.stabilisers.normalize : 'none',
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: learningRateOf(cfg),
    seed: cfg.seed,
    model: { kind: cfg.model },
  }
}

/** A corpus ready to train on and to score the result with. */
interface LoadedCorpus {
  recordings: Recording[]
  heldOut: HeldOutItem[]
  fingerprint: string
  source: string
  skipped: string[]
}

/** Typed-sequence labels of a candidate (the annotation's chord order when nothing was typed). */
function sequenceLabels(c: TrainingCandidate): string[] | null {
  if (c.sequence) {
    const p = parseSequence(c.sequence)
    if (p.errors.length === 0 && p.chords.length > 0) return p.chords.map((x) => x.label)
  }
  return c.annotation ? labToSequence(c.annotation.segments) : null
}

const corpusName = (c: TrainCorpus) =>
  c.kind === 'manifest' ? c.path : c.kind === 'tag' ? `library, tag "${c.tag}"` : 'library'

/** The methods' implementations, to be merged into the service's handler table. */
export function trainingHandlers(
  d: TrainingDeps,
): Pick<
  Handlers,
  | 'getAccelerators'
  | 'listModels'
  | 'getModel'
  | 'setActiveModel'
  | 'renameModel'
  | 'removeModel'
  | 'exportModel'
  | 'importModel'
  | 'train'
  | 'listRuns'
  | 'getTargetDistribution'
  | 'getExpectedAlignment'
  | 'getModelAccuracy'
> {
  const port = (): TrainingPort => {
    if (!d.port) throw new ApiError('unavailable', d.missing)
    return d.port
  }
  let accelerators: Promise<MethodOutput<'getAccelerators'>> | null = null

  const summary = (m: StoredModel, file: ModelFile | null = port().modelFile(m.id)): ModelSummary => {
    const metrics = m.metrics
    const testF = (file?.metrics?.testSongsF ?? metrics.testSongsF ?? null) as number | null
    return {
      id: m.id,
      name: m.name,
      kind: m.kind,
      createdAt: m.createdAt,
      active: m.active,
      paramCount: file?.paramCount ?? 0,
      eta: file?.eta ?? 0,
      runId: m.runId,
      corpus: (metrics.corpus as string | undefined) ?? file?.corpus?.source ?? null,
      loss: file?.training?.options.loss ?? null,
      testF: typeof testF === 'number' ? testF : null,
      builtIn: metrics.builtIn === true,
    }
  }

  const modelOrThrow = (id: string): { info: StoredModel; file: ModelFile } => {
    const info = port().model(id)
    const file = info ? port().modelFile(id) : null
    if (!info || !file) throw new ApiError('not-found', `no model "${id}" in the library`)
    return { info, file }
  }

  /** The model a request means: the named one, else the active one. */
  const resolveModel = (modelId: string | undefined): { info: StoredModel; file: ModelFile } => {
    if (modelId) return modelOrThrow(modelId)
    const active = port().activeModelId()
    if (!active)
      throw new ApiError(
        'conflict',
        'no chord model is active: train one in Training, or make an earlier model active there',
      )
    return modelOrThrow(active)
  }

  /**
   * Library recordings of a corpus, with their fmp chroma and targets.
   * @param features `tuned`: fmp chroma at the tuning the recording's align chroma estimated (as a model
   *   reads when aligning); `seed`: libfmp's untuned chroma
   */
  const libraryCorpus = async (
    corpus: Extract<TrainCorpus, { kind: 'library' | 'tag' }>,
    ctx: JobContext,
    withAlign = false,
    features: TrainingFeatures = 'seed',
  ): Promise<LoadedCorpus> => {
    const tag = corpus.kind === 'tag' ? corpus.tag : null
    const all = port().candidates(tag)
    const usable = all.filter(
      (c) => c.annotation && (c.annotation.reviewed || (corpus.includeImported && c.annotation.imported)),
    )
    if (usable.length === 0)
      throw new ApiError(
        'bad-request',
        `no recording of the ${corpusName(corpus)} has a reviewed annotation (of ${all.length}): tick "reviewed" and save an annotation${corpus.includeImported ? '' : ', or also use imported annotations'}, or train on a manifest`,
      )
    const recordings: Recording[] = []
    const heldOut: HeldOutItem[] = []
    const skipped: string[] = []
    const fp = createHash('sha256')
    const anySplit = usable.some((c) => c.split === 'train' || c.split === 'val' || c.split === 'test')
    for (const [i, c] of usable.entries()) {
      ctx.throwIfCancelled()
      ctx.progress(`chroma of ${c.recording.title}`, i / usable.length)
      let fmp: Chroma
      try {
        const tuning =
          features === 'tuned' ? (await d.chroma(c.recording, ctx, 'align')).tuningCents : undefined
        fmp = await d.chroma(c.recording, ctx, 'fmp', tuning)
      } catch (e) {
        if (e instanceof ApiError && e.code === 'cancelled') throw e
        skipped.push(`${c.recording.title}: ${(e as Error).message}`)
        continue
      }
      const segments = c.annotation!.segments as Segment[]
      const labels = sequenceLabels(c)
      const split =
        c.split === 'train' || c.split === 'val' || c.split === 'test'
          ? c.split
          : anySplit
            ? 'train'
            : hashSplit(c.recording.contentHash)
      recordings.push({
        id: c.recording.id,
        x: fmp.data,
        frames: fmp.frames,
        frameRate: fmp.frameRate,
        strong: strongTargets(segments, fmp.frames, fmp.frameRate),
        sequence: labels ? sequenceClasses(labels) : null,
        split,
        group: c.recording.title,
      })
      fp.update(`${c.recording.contentHash}\t${c.recording.currentRevisionId}\t${split}\n`)
      if (split === 'test')
        heldOut.push({
          id: c.recording.id,
          title: c.recording.title,
          fmp: { data: fmp.data, frames: fmp.frames, frameRate: fmp.frameRate },
          reference: segments,
          sequence: labels,
          align: null,
          emission: null,
          audio: null,
          duration: c.recording.duration ?? segments.at(-1)?.end ?? fmp.frames / fmp.frameRate,
        })
    }
    if (!recordings.some((r) => r.split === 'train'))
      for (const r of recordings) if (r.split !== 'test') r.split = 'train'
    // held-out alignment needs the align chroma: from the store's cache, else computed and cached
    for (const h of withAlign ? heldOut : []) {
      ctx.progress(`align chroma of ${h.title}`, null)
      h.align = await d.chroma(d.recording(h.id), ctx, 'align')
      // the models read fmp chroma tuned like it, as alignment with a model does
      const e = await d.chroma(d.recording(h.id), ctx, 'fmp', h.align.tuningCents)
      h.emission = { data: e.data, frames: e.frames, frameRate: e.frameRate }
    }
    return {
      recordings,
      heldOut,
      fingerprint: `sha256:${fp.digest('hex')}`,
      source: corpusName(corpus),
      skipped,
    }
  }

  /** A manifest corpus, loaded in the job worker (chroma through the feature cache). */
  const manifestCorpus = async (
    path: string,
    ctx: JobContext,
    features: TrainingFeatures = 'seed',
  ): Promise<LoadedCorpus> => {
    if (!existsSync(path)) throw new ApiError('bad-request', `manifest not found: ${path}`)
    const m = await ctx.inWorker<LoadedManifest>('load-manifest', { path, features })
    const byId = new Map(m.recordings.map((r) => [r.id, r]))
    const heldOut: HeldOutItem[] = []
    for (const it of m.items) {
      const r = byId.get(it.id)
      if (it.split !== 'test' || !r || !it.reference || it.reference.length === 0) continue
      heldOut.push({
        id: it.id,
        title: it.id,
        fmp: { data: r.x, frames: r.frames, frameRate: r.frameRate },
        reference: it.reference,
        sequence: it.sequence,
        align: null,
        emission: null,
        audio: it.audio,
        duration: it.reference.at(-1)!.end,
      })
    }
    return { recordings: m.recordings, heldOut, fingerprint: m.fingerprint, source: path, skipped: [] }
  }

  const loadCorpus = (
    corpus: TrainCorpus,
    ctx: JobContext,
    withAlign = false,
    features: TrainingFeatures = 'seed',
  ) =>
    corpus.kind === 'manifest'
      ? manifestCorpus(corpus.path, ctx, features)
      : libraryCorpus(corpus, ctx, withAlign, features)

  /** The held-out comparison: the chroma templates, the new model and the active one. */
  const compare = async (
    ctx: JobContext,
    heldOut: HeldOutItem[],
    models: { key: string; file: ModelFile }[],
  ): Promise<ComparisonRow[]> => {
    if (heldOut.length === 0) return []
    ctx.progress('scoring on held-out recordings', null)
    return ctx.inWorker<ComparisonRow[]>('compare-models', { models, items: heldOut })
  }

  const train = async (cfg: TrainConfig, ctx: JobContext): Promise<TrainResult> => {
    const p = port()
    if (!d.trainer) throw new ApiError('unavailable', d.missing)
    ctx.progress('loading the corpus', 0)
    const corpus = await loadCorpus(cfg.corpus, ctx, true, cfg.features)
    const notes: string[] = []
    const moved = ensureValidation(corpus.recordings)
    if (moved.length)
      notes.push(
        `the corpus has no validation recordings: ${moved.length} of the training ones (${moved.join(', ')}) choose the best epoch`,
      )
    const targets = cfg.loss === 'bce' || cfg.targets === 'segments' ? 'lab' : 'chords'
    const segment = { length: 150 }
    const split = splitItems(corpus.recordings, targets, segment)
    if (split.train.length === 0)
      throw new ApiError(
        'bad-request',
        `nothing to train on in ${corpus.source}: no training recording has ${targets === 'lab' ? 'an annotation' : 'a typed sequence'}`,
      )
    const activeId = p.activeModelId()
    const active = activeId ? p.modelFile(activeId) : null
    const date = new Date().toISOString().slice(0, 16).replace('T', ' ')
    const name = cfg.name?.trim() || `${cfg.model} ${cfg.loss} ${date}`
    const config = {
      ...cfg,
      learningRate: learningRateOf(cfg),
      pad: padOf(cfg),
      targets,
      corpusSource: corpus.source,
    } as Record<string, unknown>
    const runId = p.createRun(config, corpus.fingerprint)
    const counts = { train: split.train.length, val: split.val.length, heldOut: corpus.heldOut.length }
    const request: TrainingRequest = {
      data: { recordings: corpus.recordings, fingerprint: corpus.fingerprint, source: corpus.source },
      targets,
      segment,
      options: trainOptions(cfg),
      backend: 'auto',
      name,
      evaluate: true,
      features: cfg.features,
    }
    ctx.progress('starting the training worker', null)
    const job = d.trainer(request)
    const onAbort = () => job.cancel()
    ctx.signal.addEventListener('abort', onAbort)
    let accelerator = ''
    let epochsDone = 0
    job.on('backend', (r) => {
      accelerator = `tfjs ${r.candidate}${r.gpu ? ' (GPU)' : ''}`
      d.emit('train-progress', {
        type: 'started',
        jobId: ctx.jobId,
        runId,
        accelerator,
        epochs: cfg.epochs,
        counts,
      })
    })
    job.on('epoch', (e) => {
      epochsDone = e.epoch
      p.appendLoss(runId, { epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss, ms: e.ms })
      d.emit('train-progress', { type: 'epoch', jobId: ctx.jobId, runId, ...e })
      ctx.progress(`epoch ${e.epoch}/${e.epochs}`, e.epoch / e.epochs)
    })
    let outcome: Awaited<TrainingJob['result']>
    try {
      outcome = await job.result
    } catch (e) {
      const cancelled = ctx.signal.aborted
      p.finishRun(runId, cancelled ? 'cancelled' : 'failed', {
        error: cancelled ? null : (e as Error).message,
      })
      if (cancelled) throw new ApiError('cancelled', 'the training was cancelled')
      throw new ApiError(
        (e as { userError?: boolean }).userError ? 'bad-request' : 'internal',
        (e as Error).message,
      )
    } finally {
      ctx.signal.removeEventListener('abort', onAbort)
    }
    const engine = outcome.file.training?.engine
    accelerator = `tfjs ${outcome.backend.candidate}${outcome.backend.gpu ? ' (GPU)' : ''}${engine ? `, soft-DTW ${engine}` : ''}`
    if (outcome.cancelled && epochsDone === 0) {
      p.finishRun(runId, 'cancelled', {})
      throw new ApiError('cancelled', 'the training was cancelled before the first epoch ended')
    }
    const saved = p.saveModel(outcome.file, {
      runId,
      metrics: { corpus: corpus.source },
    })
    d.emit('models-changed', { activeModelId: activeId })
    if (outcome.cancelled) {
      p.finishRun(runId, 'cancelled', { modelId: saved.id })
      throw new ApiError(
        'cancelled',
        `the training was cancelled; the best model so far is saved as "${saved.name}"`,
      )
    }
    const heldOut = await compare(ctx, corpus.heldOut, [
      { key: 'new', file: outcome.file },
      ...(active ? [{ key: 'active', file: active }] : []),
    ])
    p.finishRun(runId, 'done', { modelId: saved.id, config: { ...config, accelerator, heldOut } })
    return {
      runId,
      model: summary(saved, outcome.file),
      cancelled: false,
      bestEpoch: outcome.bestEpoch,
      epochsRun: outcome.epochsRun,
      ms: outcome.ms,
      accelerator,
      counts,
      skipped: [...corpus.skipped, ...outcome.skipped.map((s) => `${s.id}: ${s.reason}`)].slice(0, 20),
      heldOut,
      activeModelId: activeId,
      notes,
    }
  }

  /** Recordings of a corpus with a reference, for scoring (all splits), read as a model reads them when it aligns (tuned). */
  const scoredRecordings = async (corpus: TrainCorpus, ctx: JobContext): Promise<ScoredRecording[]> => {
    if (corpus.kind === 'manifest') {
      const m = await ctx.inWorker<LoadedManifest>('load-manifest', { path: corpus.path, features: 'tuned' })
      const byId = new Map(m.recordings.map((r) => [r.id, r]))
      return m.items
        .filter((it) => it.reference && it.reference.length > 0 && byId.has(it.id))
        .map((it) => {
          const r = byId.get(it.id)!
          return {
            id: it.id,
            title: it.id,
            fmp: { data: r.x, frames: r.frames, frameRate: r.frameRate },
            reference: it.reference!,
          }
        })
    }
    const c = await libraryCorpus(corpus, ctx, false, 'tuned')
    const byId = new Map(
      port()
        .candidates(corpus.kind === 'tag' ? corpus.tag : null)
        .map((x) => [x.recording.id, x]),
    )
    return c.recordings.map((r) => ({
      id: r.id,
      title: byId.get(r.id)?.recording.title ?? r.id,
      fmp: { data: r.x, frames: r.frames, frameRate: r.frameRate },
      reference: byId.get(r.id)!.annotation!.segments as Segment[],
    }))
  }

  return {
    getAccelerators: async () => {
      port()
      accelerators ??= d.runTask<MethodOutput<'getAccelerators'>>('accelerators', {})
      accelerators.catch(() => {
        accelerators = null
      })
      return accelerators
    },

    listModels: async () =>
      port()
        .listModels()
        .map((m) => summary(m)),

    getModel: async ({ modelId }): Promise<ModelDetail> => {
      const { info, file } = modelOrThrow(modelId)
      const templates = await d.runTask<TemplatesDto>('model-templates', { file })
      const t = file.training
      const heldOut = (info.metrics.heldOut as ComparisonRow[] | undefined) ?? runHeldOut(info.runId)
      return {
        model: summary(info, file),
        templates,
        curve: t
          ? t.trainLoss.map((trainLoss, i) => ({
              epoch: i + 1,
              trainLoss,
              valLoss: t.valLoss[i] ?? null,
              ms: null,
            }))
          : [],
        bestEpoch: t?.bestEpoch ?? null,
        options: (t?.options ?? {}) as unknown as Record<string, unknown>,
        heldOut: heldOut ?? null,
        features: file.corpus?.features ?? (t ? 'seed' : null),
      }
    },

    setActiveModel: async ({ modelId }) => {
      if (modelId !== null) modelOrThrow(modelId)
      port().setActiveModel(modelId)
      d.emit('models-changed', { activeModelId: modelId })
      return { activeModelId: modelId }
    },

    renameModel: async ({ modelId, name }) => {
      const m = port().renameModel(modelId, name)
      if (!m) throw new ApiError('not-found', `no model "${modelId}" in the library`)
      d.emit('models-changed', { activeModelId: port().activeModelId() })
      return summary(m)
    },

    removeModel: async ({ modelId }) => {
      const info = port().model(modelId)
      if (!info) throw new ApiError('not-found', `no model "${modelId}" in the library`)
      if (info.active)
        throw new ApiError(
          'conflict',
          `"${info.name}" is the active model: make another one active (or none) before deleting it`,
        )
      const removed = port().removeModel(modelId)
      d.emit('models-changed', { activeModelId: port().activeModelId() })
      return { removed }
    },

    exportModel: async ({ modelId }) => {
      const { info, file } = modelOrThrow(modelId)
      const stem = info.name.replace(/[^\p{L}\p{N} ._-]+/gu, '_').trim() || `model-${info.id}`
      return {
        filename: `${stem}.json`,
        mime: 'application/json',
        content: `${JSON.stringify({ ...file, name: info.name })}\n`,
      }
    },

    importModel: async ({ filename, content }) => {
      const p = port()
      const bad = (why: string) =>
        new ApiError('bad-request', `${filename} is not a ChordWarp model file: ${why}`)
      let json: unknown
      try {
        json = JSON.parse(content)
      } catch (e) {
        throw bad(`its JSON does not parse (${(e as Error).message})`)
      }
      const f = json as Partial<ModelFile> | null
      if (!f || typeof f !== 'object' || f.format !== MODEL_FORMAT)
        throw bad(
          `"format" is not "${MODEL_FORMAT}" (write one with chordwarp train -o, or Export in Models)`,
        )
      if (f.version !== MODEL_VERSION)
        throw bad(
          `model file version ${String(f.version)} is not supported (this ChordWarp reads ${MODEL_VERSION})`,
        )
      // building the model checks the configuration and every weight's shape (in a worker: tfjs)
      try {
        await d.runTask<TemplatesDto>('model-templates', { file: f })
      } catch (e) {
        throw bad((e as Error).message)
      }
      const file = f as ModelFile
      const name = (typeof file.name === 'string' && file.name.trim()) || filename.replace(/\.json$/i, '')
      const saved = p.saveModel({ ...file, name }, { metrics: { importedFrom: filename } })
      d.emit('models-changed', { activeModelId: p.activeModelId() })
      return summary(saved)
    },

    train: async (cfg) => {
      port()
      if (!d.trainer) throw new ApiError('unavailable', d.missing)
      if (cfg.corpus.kind === 'manifest' && !existsSync(cfg.corpus.path))
        throw new ApiError('bad-request', `manifest not found: ${cfg.corpus.path}`)
      return d.start('train', (ctx) => train(cfg, ctx))
    },

    listRuns: async (): Promise<RunSummary[]> =>
      port()
        .listRuns()
        .map((r) => ({
          id: r.id,
          status: r.status,
          createdAt: r.createdAt,
          finishedAt: r.finishedAt,
          modelId: r.modelId,
          error: r.error,
          config: r.config,
          epochs: r.epochs,
        })),

    getTargetDistribution: async ({ corpus, softLengths }) => {
      port()
      return d.start('insight', async (ctx): Promise<DistributionDto> => {
        const c = await loadCorpus(corpus, ctx)
        const train = c.recordings.filter((r) => r.split === 'train' && r.strong)
        if (train.length === 0)
          throw new ApiError('bad-request', `no training recording of ${c.source} has an annotation`)
        return ctx.inWorker<DistributionDto>('target-distribution', { recordings: train, softLengths })
      })
    },

    getExpectedAlignment: async ({ recordingId, modelId, gamma, sequence }) => {
      const rec = d.recording(recordingId)
      const { info, file } = resolveModel(modelId)
      const text =
        sequence ??
        port()
          .candidates(null)
          .find((c) => c.recording.id === rec.id)?.sequence ??
        null
      if (!text)
        throw new ApiError(
          'bad-request',
          `"${rec.title}" has no typed chord sequence: type one in the editor first`,
        )
      return d.start('insight', async (ctx): Promise<ExpectedAlignmentDto> => {
        const c = await d.chroma(rec, ctx, 'fmp')
        const fmp: RawChroma = { data: c.data, frames: c.frames, frameRate: c.frameRate }
        const r = await ctx.inWorker<{
          frames: number
          frameRate: number
          labels: string[]
          E: Float32Array
          path: [number, number][]
          value: number
          hardValue: number
          gamma: number
          skipped: string[]
        }>('expected-alignment', { file, fmp, sequence: text, gamma })
        return {
          recordingId: rec.id,
          modelId: info.id,
          frames: r.frames,
          frameRate: r.frameRate,
          labels: r.labels,
          E: encodeFloat32(r.E),
          path: r.path.flat(),
          value: r.value,
          hardValue: r.hardValue,
          gamma: r.gamma,
          skipped: r.skipped,
        }
      })
    },

    getModelAccuracy: async ({ modelId, corpus }) => {
      const { info, file } = resolveModel(modelId)
      return d.start('insight', async (ctx): Promise<AccuracyDto> => {
        const items = await scoredRecordings(corpus, ctx)
        const r = await ctx.inWorker<Omit<AccuracyDto, 'modelId'>>('model-accuracy', { file, items })
        return { modelId: info.id, ...r }
      })
    },
  }

  /** The held-out comparison stored with a model's training run. */
  function runHeldOut(runId: string | null): ComparisonRow[] | null {
    if (!runId) return null
    const run = port()
      .listRuns()
      .find((r) => r.id === runId)
    return (run?.config.heldOut as ComparisonRow[] | undefined) ?? null
  }
}

/** The model file the service uses for `emission: 'model'`, or an API error saying why there is none. */
export function modelForEmission(
  port: TrainingPort | null,
  missing: string,
  modelId: string | undefined,
): { id: string; file: ModelFile } {
  if (!port) throw new ApiError('unavailable', missing)
  const id = modelId ?? port.activeModelId()
  if (!id)
    throw new ApiError(
      'conflict',
      'no chord model is active: train one in Training, or make an earlier model active there',
    )
  const file = port.modelFile(id)
  if (!file) throw new ApiError('not-found', `no model "${id}" in the library`)
  return { id, file }
}
