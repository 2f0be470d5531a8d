/**
 * What the service needs from the other backend rooms, as narrow interfaces. Each port is wired to
 * its room's module in `wiring.ts`; a port that is null means the capability is not in this build,
 * and the methods that need it answer `unavailable` with the reason (never a fake result).
 */
import type { AlignWarning, Anchor, RevisionSource, SegmentDto } from '../../core/api'
import type { Chroma } from '../../core/features'
import type { ModelFile } from '../../core/model'
import type { RawChroma } from '../inference'

/** A recording as the store keeps it. */
export interface StoredRecording {
  id: string
  title: string
  path: string
  /** [seconds] */
  duration: number | null
  /** [Hz] */
  sampleRate: number | null
  /** ISO 8601 */
  importedAt: string
  contentHash: string
  currentRevisionId: string | null
  /** The user's tags (collections), sorted. */
  tags: string[]
}

export interface StoredRevision {
  id: string
  recordingId: string
  createdAt: string
  source: RevisionSource
  reviewed: boolean
  parentId: string | null
  segmentCount: number
}

export interface StoredAnnotation {
  revision: StoredRevision
  segments: SegmentDto[]
  sequence: string | null
  locks: number[]
}

export interface NewRevision {
  recordingId: string
  segments: SegmentDto[]
  sequence: string | null
  locks: number[]
  source: RevisionSource
  reviewed: boolean
  parentId: string | null
}

export interface ImportProgress {
  signal: AbortSignal
  progress(stage: string, fraction: number | null): void
}

/** The library (src/backend/store). */
export interface LibraryPort {
  /** Newest first; `query` filters title/path case-insensitively. */
  list(query?: string): StoredRecording[]
  get(recordingId: string): StoredRecording | null
  /** Import audio files / folders (with `.lab` / `.chords.txt` beside them). */
  importPaths(
    paths: string[],
    ctx: ImportProgress,
  ): Promise<{ imported: StoredRecording[]; skipped: { path: string; reason: string }[] }>
  remove(recordingId: string): boolean
  /** Replace a recording's tags (trimmed, deduplicated); null when there is no such recording. */
  setTags(recordingId: string, tags: string[]): StoredRecording | null
  revisions(recordingId: string): StoredRevision[]
  annotation(recordingId: string, revisionId: string): StoredAnnotation | null
  saveRevision(rev: NewRevision): StoredRevision
  /** The latest typed sequence of a recording (typed in the app or imported), or null. */
  typedSequence(recordingId: string): string | null
  /** Cached chroma of a recording for the app's pipeline, or null. */
  cachedChroma(recordingId: string): Chroma | null
  cacheChroma(recordingId: string, chroma: Chroma): void
  close(): void
}

/** Worker-side capabilities: each is a task name of tasks.worker.ts, or null when not built. */
export interface TaskAvailability {
  chroma: boolean
  /** Waveform peaks of audio files (Default value = false). */
  peaks?: boolean
  align: boolean
  recognize: boolean
  /** Training, model inference and the insight tasks (Default value = false). */
  training?: boolean
}

/** Input of the worker's align task. */
export interface AlignTaskInput {
  chroma: Chroma
  /** Expanded Harte labels of the typed sequence, in order. */
  labels: string[]
  anchors: Anchor[]
  duration: number | null
  /** Align with this chord model (its fmp chroma of the recording) instead of chroma templates. */
  model?: { file: ModelFile; fmp: RawChroma }
}

export interface AlignTaskOutput {
  segments: SegmentDto[]
  warnings: AlignWarning[]
  method: string
}

/** A model as the library keeps it (the file holds weights, config, training record and metrics). */
export interface StoredModel {
  id: string
  name: string
  kind: string
  createdAt: string
  active: boolean
  runId: string | null
  /** Extra facts saved with it: `builtIn`, `corpus`, `heldOut` … */
  metrics: Record<string, unknown>
}

/** A training run as the library keeps it. */
export interface StoredRun {
  id: string
  status: 'running' | 'done' | 'failed' | 'cancelled'
  createdAt: string
  finishedAt: string | null
  modelId: string | null
  error: string | null
  config: Record<string, unknown>
  epochs: { epoch: number; trainLoss: number | null; valLoss: number | null; ms: number | null }[]
}

/** A recording that can be trained on or scored: its annotation and typed sequence. */
export interface TrainingCandidate {
  recording: StoredRecording
  /** `train` | `val` | `test` as stored (manifest imports keep it), or null. */
  split: string | null
  tags: string[]
  /** The current annotation's segments and whether it is reviewed / imported; null without one. */
  annotation: { segments: SegmentDto[]; reviewed: boolean; imported: boolean } | null
  /** The latest typed sequence (or the one saved with the annotation), or null. */
  sequence: string | null
}

/** Models, training runs and feature caches of other pipelines (src/backend/store). */
export interface TrainingPort {
  listModels(): StoredModel[]
  model(id: string): StoredModel | null
  /** The model file (weights, config, training record), or null. */
  modelFile(id: string): ModelFile | null
  activeModelId(): string | null
  saveModel(
    file: ModelFile,
    o: { runId?: string | null; active?: boolean; metrics?: Record<string, unknown> },
  ): StoredModel
  setActiveModel(id: string | null): void
  /** Rename a model; null when there is none with this id. */
  renameModel(id: string, name: string): StoredModel | null
  /** Delete a model; false when there was none. */
  removeModel(id: string): boolean
  createRun(config: Record<string, unknown>, fingerprint: string | null): string
  appendLoss(runId: string, e: { epoch: number; trainLoss: number; valLoss: number | null; ms: number }): void
  finishRun(
    runId: string,
    status: 'done' | 'failed' | 'cancelled',
    o: { modelId?: string | null; error?: string | null; config?: Record<string, unknown> },
  ): void
  listRuns(): StoredRun[]
  /** Recordings with a tag (all when null), with their annotation and typed sequence. */
  candidates(tag: string | null): TrainingCandidate[]
  /** Cached chroma of a recording for another pipeline's parameters, or null. */
  cachedFeatures(recordingId: string, params: Record<string, unknown>): Chroma | null
  cacheFeatures(recordingId: string, params: Record<string, unknown>, chroma: Chroma): void
}
