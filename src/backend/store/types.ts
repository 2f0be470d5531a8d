/** Records the store reads and writes. Times are ISO-8601 UTC strings; durations in [seconds]. */
import type { Segment } from '../../core/chords'

/** How an annotation revision came to be. */
export type RevisionSource = 'typed' | 'aligned' | 'recognised' | 'imported' | 'edited'
export const REVISION_SOURCES: readonly RevisionSource[] = [
  'typed',
  'aligned',
  'recognised',
  'imported',
  'edited',
]

/** Review state of a revision (the only thing about a revision that may change after it is saved). */
export type RevisionStatus = 'draft' | 'reviewed'

export interface Recording {
  id: number
  /** Unique short name: the file stem or manifest id (`synth03`), used for exported file names. */
  name: string
  /** Absolute path of the audio file where it was last seen. */
  path: string
  /** SHA-256 of the file bytes, lowercase hex: finds the recording again after a move. */
  hash: string
  sizeBytes: number | null
  /** [seconds]; null when neither the header nor a manifest said. */
  durationS: number | null
  /** [Hz] */
  sampleRate: number | null
  /** `wav` | `flac` | `mp3` | `ogg` | `opus` | … (from the file header), null if unknown. */
  format: string | null
  /** Sub-folder of the corpus it belongs to (`synth`, `pop909`); '' for none. Export writes it back. */
  collection: string
  /** Provenance in words (manifest `source`). */
  source: string
  license: string
  /** `train` | `val` | `test` or null. */
  split: string | null
  tags: string[]
  addedAt: string
  currentRevisionId: number | null
}

export interface NewRecording {
  path: string
  hash: string
  /** default: the file stem of `path` */
  name?: string
  sizeBytes?: number | null
  durationS?: number | null
  sampleRate?: number | null
  format?: string | null
  collection?: string
  source?: string
  license?: string
  split?: string | null
  tags?: string[]
}

/** Fields of a recording that `recordings.update` may change (hash and path have their own methods). */
export type RecordingPatch = Partial<
  Pick<
    Recording,
    'name' | 'durationS' | 'sampleRate' | 'format' | 'collection' | 'source' | 'license' | 'split' | 'tags'
  >
>

/** A revision's header, without its segments. */
export interface Revision {
  id: number
  recordingId: number
  parentId: number | null
  author: string
  createdAt: string
  source: RevisionSource
  status: RevisionStatus
  sequenceId: number | null
  modelId: number | null
  note: string | null
  segmentCount: number
  /** Boundary times [seconds] the user locked, ascending; re-alignment keeps them. */
  locks: number[]
}

/** A segment as saved: `label` exactly as the user wrote it (rich Harte, e.g. `A:min7/b3`). */
export interface StoredSegment extends Segment {
  /** 0..1 from the aligner, when known. */
  confidence?: number | null
  /** 0..1: the aligner's confidence of the boundary this segment starts at, when known. */
  startConfidence?: number | null
}

export interface RevisionWithSegments extends Revision {
  segments: StoredSegment[]
}

export interface NewRevision {
  recordingId: number
  segments: readonly StoredSegment[]
  author: string
  source: RevisionSource
  /** default: the recording's current revision (null for none) */
  parentId?: number | null
  status?: RevisionStatus
  sequenceId?: number | null
  modelId?: number | null
  note?: string | null
  /** locked boundary times [seconds], finite and ≥ 0 (default none); stored ascending, deduplicated */
  locks?: readonly number[]
  /** move the recording's current pointer to the new revision (default true) */
  makeCurrent?: boolean
}

/** A chord sequence as the user typed it (lead-sheet or Harte text, unparsed). Append-only. */
export interface Sequence {
  id: number
  recordingId: number
  text: string
  author: string
  createdAt: string
}

export interface RecordingSummary extends Recording {
  /** the current revision's header, null when the recording has no annotation */
  current: Pick<Revision, 'id' | 'status' | 'source' | 'author' | 'createdAt' | 'segmentCount'> | null
}

/** One recording ready for the editor. */
export interface LoadedRecording {
  recording: Recording
  annotation: RevisionWithSegments | null
  sequence: Sequence | null
}

export interface ListOptions {
  /** words that must all occur (case-insensitive, ASCII) in name, path, source or a tag */
  search?: string
  /** only recordings with exactly this tag */
  tag?: string
  /** at most this many rows (default: all) */
  limit?: number
  offset?: number
}

export interface Model {
  id: number
  name: string
  /** model family, e.g. `dchord` */
  kind: string
  createdAt: string
  /** weights as JSON-able data (arrays of numbers, named tensors) */
  weights: unknown
  config: Record<string, unknown>
  /** fingerprint of the training corpus (e.g. a hash of its recording hashes and revision ids) */
  corpusFingerprint: string | null
  metrics: Record<string, unknown>
  runId: number | null
  active: boolean
}

export type ModelInfo = Omit<Model, 'weights'>

export interface NewModel {
  name: string
  kind: string
  weights: unknown
  config?: Record<string, unknown>
  corpusFingerprint?: string | null
  metrics?: Record<string, unknown>
  runId?: number | null
  /** make it the active model (default false) */
  active?: boolean
}

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled'

/** One epoch of a training run's loss curve. */
export interface EpochReport {
  epoch: number
  trainLoss: number | null
  valLoss?: number | null
  /** wall time of the epoch [ms] */
  ms?: number | null
  /** anything else worth keeping (γ, learning rate …) */
  extra?: Record<string, unknown>
}

export interface Run {
  id: number
  createdAt: string
  updatedAt: string
  finishedAt: string | null
  status: RunStatus
  config: Record<string, unknown>
  corpusFingerprint: string | null
  modelId: number | null
  error: string | null
  note: string | null
}

export interface RunWithEpochs extends Run {
  epochs: EpochReport[]
}

export interface NewRun {
  config: Record<string, unknown>
  corpusFingerprint?: string | null
  note?: string | null
}

export interface BackupResult {
  path: string
  bytes: number
  pages: number
  ms: number
}
