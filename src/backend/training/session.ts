/**
 * One training session, the same in a worker thread and in-process: choose the tfjs backend, load the
 * corpus (or take recordings), cut items, train, score on held-out data, and describe the model as a
 * model file.
 */
import {
  cutSegments,
  dtwEngine,
  type EpochReport,
  type EvalReport,
  evaluateItems,
  evaluateRecordings,
  type FrameScores,
  isSoftDtwLoss,
  type ModelFile,
  modelToFile,
  type Recording,
  type SegmentOptions,
  type SkippedItem,
  type SoftDtwEngine,
  type TrainItem,
  type TrainingFeatures,
  type TrainOptions,
  train,
} from '../../core/model'
import { selectTfBackend, type TfBackendPreference, type TfBackendReport } from '../tf-backend'
import { type ChromaSource, corpusFingerprint, loadRecordings, readManifest } from './corpus'

/** What to train on. */
export type TrainingData =
  | { manifest: string }
  | { recordings: Recording[]; fingerprint?: string; source?: string }

/** A training request (plain data: it crosses to the worker). */
export interface TrainingRequest {
  data: TrainingData
  /** `lab`: timed annotations (segments of `segment.length`); `chords`: typed sequences of whole recordings, no `.lab`. */
  targets: 'lab' | 'chords'
  /** Segmenting; `chords` targets always use whole recordings. */
  segment: Partial<SegmentOptions>
  options: Partial<TrainOptions>
  /** tfjs backend. */
  backend: TfBackendPreference
  /** Name stored in the model file. */
  name?: string
  /** Score on the test split (segments and whole recordings) and the validation split. Default true. */
  evaluate?: boolean
  /**
   * The chroma the recordings are read with (`CorpusRecord.features`): for `data.manifest`, which
   * chroma source the worker uses; for `data.recordings`, what their `x` is. Default 'seed'.
   */
  features?: TrainingFeatures
}

/** Held-out scores. */
export interface TrainingMetrics {
  /** The seed's protocol: frame-wise scores on the test split's segments. */
  testSegments: FrameScores | null
  /** Frame-wise scores on the whole test recordings (all frames), pooled and per recording. */
  testSongs: EvalReport | null
  /** Frame-wise scores on the whole validation recordings. */
  valSongs: EvalReport | null
  /** Items per split. */
  counts: { train: number; val: number; testSegments: number; testSongs: number }
}

/** What a session returns. */
export interface TrainingOutcome {
  file: ModelFile
  metrics: TrainingMetrics
  backend: TfBackendReport
  bestEpoch: number
  epochsRun: number
  cancelled: boolean
  trainLoss: number[]
  valLoss: (number | null)[]
  skipped: SkippedItem[]
  /** [ms] */
  ms: number
}

/** Progress events of a session. */
export type SessionEvent =
  | { type: 'backend'; report: TfBackendReport }
  | { type: 'features'; done: number; total: number; id: string }
  | { type: 'epoch'; report: EpochReport }

/** Services of a session. */
export interface SessionContext {
  onEvent?: (e: SessionEvent) => void | Promise<void>
  shouldStop?: () => boolean
  /** Chroma of audio files (needed for `data.manifest`). */
  chroma?: ChromaSource
  /** Soft-DTW engine; default `dtwEngine` (src/core/dtw). */
  engine?: SoftDtwEngine
  now?: () => number
}

/** Training / validation / test items of recordings under a request. */
export function splitItems(
  recordings: readonly Recording[],
  targets: 'lab' | 'chords',
  segment: Partial<SegmentOptions>,
): {
  train: TrainItem[]
  val: TrainItem[]
  testSegments: TrainItem[]
  testRecordings: Recording[]
  valRecordings: Recording[]
} {
  const by = (s: string) => recordings.filter((r) => (r.split ?? 'train') === s)
  const learn = (rs: Recording[]) =>
    targets === 'chords'
      ? rs.flatMap((r) => cutSegments({ ...r, strong: null }, { length: 'whole' }))
      : rs.flatMap((r) => cutSegments(r, segment))
  const seedSegments = {
    ...segment,
    length: segment.length === 'whole' || segment.length === undefined ? 150 : segment.length,
  }
  return {
    train: learn(by('train')),
    val: learn(by('val')),
    testSegments: by('test').flatMap((r) => cutSegments(r, seedSegments)),
    testRecordings: by('test'),
    valRecordings: by('val'),
  }
}

/**
 * Run a training session.
 * @throws on bad data, a missing engine, or when cancelled while loading
 */
export async function runTrainingSession(
  req: TrainingRequest,
  ctx: SessionContext = {},
): Promise<TrainingOutcome> {
  const now = ctx.now ?? (() => performance.now())
  const t0 = now()
  const backend = await selectTfBackend(req.backend)
  await ctx.onEvent?.({ type: 'backend', report: backend })
  let recordings: Recording[]
  let fingerprint: string | undefined
  let source: string | undefined
  if ('manifest' in req.data) {
    if (!ctx.chroma) throw new Error('training from a manifest needs a chroma source')
    const corpus = readManifest(req.data.manifest)
    source = req.data.manifest
    fingerprint = corpusFingerprint(corpus.items)
    const pending: Promise<void>[] = []
    recordings = await loadRecordings(corpus.items, ctx.chroma, {
      onProgress: (done, total, id) => {
        const p = ctx.onEvent?.({ type: 'features', done, total, id })
        if (p) pending.push(p)
      },
      ...(ctx.shouldStop ? { shouldStop: ctx.shouldStop } : {}),
    })
    await Promise.all(pending)
  } else {
    recordings = req.data.recordings
    fingerprint = req.data.fingerprint
    source = req.data.source
  }
  const split = splitItems(recordings, req.targets, req.segment)
  const engine = ctx.engine ?? dtwEngine
  const usesEngine = isSoftDtwLoss(req.options.loss ?? 'sdtw')
  const result = await train({ train: split.train, val: split.val }, req.options, {
    onEpoch: (report) => ctx.onEvent?.({ type: 'epoch', report }),
    ...(ctx.shouldStop ? { shouldStop: ctx.shouldStop } : {}),
    engine,
    now,
  })
  const evaluate = req.evaluate ?? true
  const metrics: TrainingMetrics = {
    testSegments:
      evaluate && split.testSegments.length > 0
        ? evaluateItems(result.model, split.testSegments).pooled
        : null,
    testSongs:
      evaluate && split.testRecordings.length > 0
        ? evaluateRecordings(result.model, split.testRecordings)
        : null,
    valSongs:
      evaluate && split.valRecordings.length > 0
        ? evaluateRecordings(result.model, split.valRecordings)
        : null,
    counts: {
      train: result.counts.train,
      val: result.counts.val,
      testSegments: split.testSegments.length,
      testSongs: split.testRecordings.length,
    },
  }
  const ids = (s: string) => recordings.filter((r) => (r.split ?? 'train') === s).map((r) => r.id)
  const file = modelToFile(result.model, {
    ...(req.name !== undefined ? { name: req.name } : {}),
    training: {
      options: result.options,
      bestEpoch: result.bestEpoch,
      bestValLoss: result.bestValLoss,
      selectedBy: result.selectedBy,
      epochsRun: result.epochsRun,
      trainLoss: result.trainLoss,
      valLoss: result.valLoss,
      ms: result.ms,
      backend: backend.candidate,
      ...(usesEngine ? { engine: engine.name } : {}),
      counts: result.counts,
    },
    metrics: {
      testSegmentsF: metrics.testSegments?.f ?? null,
      testSongsF: metrics.testSongs?.pooled.f ?? null,
      valSongsF: metrics.valSongs?.pooled.f ?? null,
      testSegments: metrics.testSegments,
      testSongs: metrics.testSongs?.pooled ?? null,
      valSongs: metrics.valSongs?.pooled ?? null,
      perRecording: metrics.testSongs?.perRecording.map((r) => ({ id: r.id, f: r.scores.f })) ?? [],
      definition:
        'frame-wise P/R/F over the 24 maj/min classes, N and X frames are no positives (seed, libfmp)',
    },
    corpus: {
      fingerprint: fingerprint ?? 'unknown',
      ...(source !== undefined ? { source } : {}),
      items: { train: ids('train'), val: ids('val'), test: ids('test') },
      features: req.features ?? 'seed',
    },
    createdAt: new Date().toISOString(),
  })
  result.model.dispose()
  return {
    file,
    metrics,
    backend,
    bestEpoch: result.bestEpoch,
    epochsRun: result.epochsRun,
    cancelled: result.cancelled,
    trainLoss: result.trainLoss,
    valLoss: result.valLoss,
    skipped: result.skipped,
    ms: now() - t0,
  }
}
