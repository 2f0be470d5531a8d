/**
 * What the service needs from the other backend rooms, as narrow interfaces. Each port is wired to
 * its room's module in `wiring.ts`; a port that is null means the capability is not in this build,
 * and the methods that need it answer `unavailable` with the reason (never a fake result).
 */
import type { AlignWarning, Anchor, RevisionSource, SegmentDto } from '../../core/api'
import type { Chroma } from '../../core/features'

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
  align: boolean
  recognize: boolean
}

/** Input of the worker's align task. */
export interface AlignTaskInput {
  chroma: Chroma
  /** Expanded Harte labels of the typed sequence, in order. */
  labels: string[]
  anchors: Anchor[]
  duration: number | null
}

export interface AlignTaskOutput {
  segments: SegmentDto[]
  warnings: AlignWarning[]
  method: string
}
