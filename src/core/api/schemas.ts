/**
 * Zod schemas of every value that crosses the ChordWarp API (IPC, HTTP, WebSocket). Times are in
 * [seconds] everywhere; frames never cross the API except inside `ChromaDto`, which carries its own
 * frame rate. Objects are strict: an unknown key is a 400 naming the nearest valid key.
 */
import { z } from 'zod'

/** Identifiers are opaque strings chosen by the store (1..128 printable characters). */
export const Id = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\w.:-]+$/, 'may contain only letters, digits, "_", ".", ":" and "-"')

/** A time in [seconds], finite and ≥ 0. */
export const Seconds = z.number().finite().nonnegative()

/** A chord segment as the UI and the files see it: [start, end) in [seconds] and a Harte label. */
export const SegmentDto = z.strictObject({
  start: Seconds,
  end: Seconds,
  label: z.string().min(1).max(200),
  /** Posterior confidence of the aligner in [0, 1]; null/absent for hand-edited segments. */
  confidence: z.number().min(0).max(1).nullable().optional(),
  /**
   * Confidence of the boundary this segment starts at: the aligner's posterior probability that the
   * chord change lies within its tolerance (±0.1 s) of `start`, in [0, 1]; null/absent where it has
   * none (the first segment, a boundary moved by hand, recognition).
   */
  startConfidence: z.number().min(0).max(1).nullable().optional(),
})
export type SegmentDto = z.infer<typeof SegmentDto>

/** A contiguous, ordered list of segments (each start equals the previous end within 1 ms). */
export const SegmentList = z
  .array(SegmentDto)
  .max(100_000)
  .superRefine((segs, ctx) => {
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!
      if (s.end <= s.start)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'end'],
          message: `end ${s.end} is not after start ${s.start}`,
        })
      if (i > 0 && Math.abs(s.start - segs[i - 1]!.end) > 1e-3)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'start'],
          message: `start ${s.start} does not meet the previous end ${segs[i - 1]!.end}`,
        })
    }
  })

/** Review status of a recording, as the library shows it. */
export const RecordingStatus = z.enum(['none', 'aligned', 'reviewed'])
export type RecordingStatus = z.infer<typeof RecordingStatus>

export const RecordingSummary = z.strictObject({
  id: Id,
  /** Display title (file name without extension unless the store knows better). */
  title: z.string(),
  /** Absolute path of the audio on the machine that runs the backend. */
  path: z.string(),
  /** [seconds], null until known. */
  duration: z.number().nullable(),
  /** [Hz], null until known. */
  sampleRate: z.number().nullable(),
  status: RecordingStatus,
  /** Segments in the current revision (0 without annotation). */
  segmentCount: z.number().int(),
  /** ISO 8601 time of the current revision, null without one. */
  updatedAt: z.string().nullable(),
  /** ISO 8601 time of the import. */
  importedAt: z.string(),
  /** True when the audio file is no longer where it was imported from. */
  missing: z.boolean(),
  /** An unsaved draft exists for this recording. */
  hasDraft: z.boolean(),
  /** The user's tags (collections: "Beatles", "live", "to review" …), sorted. */
  tags: z.array(z.string()),
})
export type RecordingSummary = z.infer<typeof RecordingSummary>

/** Where a revision came from (the store's vocabulary). */
export const RevisionSource = z.enum(['typed', 'aligned', 'recognised', 'imported', 'edited'])
export type RevisionSource = z.infer<typeof RevisionSource>

export const RevisionInfo = z.strictObject({
  id: Id,
  recordingId: Id,
  /** ISO 8601. */
  createdAt: z.string(),
  source: RevisionSource,
  /** The user marked this revision as reviewed. */
  reviewed: z.boolean(),
  parentId: Id.nullable(),
  segmentCount: z.number().int(),
  /** True for the revision the recording's current pointer names. */
  current: z.boolean(),
})
export type RevisionInfo = z.infer<typeof RevisionInfo>

export const Annotation = z.strictObject({
  revision: RevisionInfo,
  segments: z.array(SegmentDto),
  /** The typed chord sequence saved with the revision, null if none. */
  sequence: z.string().nullable(),
  /** Locked boundary times [seconds] saved with the revision. */
  locks: z.array(Seconds),
})
export type Annotation = z.infer<typeof Annotation>

/** Unsaved editor state kept by the backend so that closing never loses work. */
export const Draft = z.strictObject({
  recordingId: Id,
  /** ISO 8601 time the draft was written. */
  savedAt: z.string(),
  /** Revision the edits started from (null: none). */
  baseRevisionId: Id.nullable(),
  segments: z.array(SegmentDto),
  sequence: z.string(),
  locks: z.array(Seconds),
})
export type Draft = z.infer<typeof Draft>

export const RecordingDetail = z.strictObject({
  recording: RecordingSummary,
  current: Annotation.nullable(),
  draft: Draft.nullable(),
  /** The latest chord sequence typed (or imported from a `.chords.txt`) for the recording. */
  typedSequence: z.string().nullable(),
})
export type RecordingDetail = z.infer<typeof RecordingDetail>

/**
 * Chroma features on the wire. `data` is a base64 Float32Array (little endian), T×12 row-major
 * (frame t, pitch class p at t·12+p, p = 0 is C); `bass` the same for the bass chroma when present.
 */
export const ChromaDto = z.strictObject({
  frames: z.number().int().nonnegative(),
  /** [frames/s]. */
  frameRate: z.number().positive(),
  /** [samples]. */
  hopSize: z.number().positive(),
  /** [Hz] of the analysed signal. */
  sampleRate: z.number().positive(),
  /** Estimated tuning deviation [cents] that was compensated. */
  tuningCents: z.number(),
  data: z.string(),
  bass: z.string().nullable(),
})
export type ChromaDto = z.infer<typeof ChromaDto>

/**
 * Waveform peaks of a recording, computed by the backend so the renderer never decodes the file. The
 * mono mix (mean of the channels) is cut into buckets of `1 / bucketRate` seconds: bucket i holds
 * samples [⌊i·sampleRate/bucketRate⌋, ⌊(i+1)·sampleRate/bucketRate⌋) (the last one may be shorter).
 * `data` is a base64 Int16Array (little endian) of 2·buckets values, the bucket's maximum at 2i and
 * its minimum at 2i+1, each `round(v / scale · PEAK_LEVELS)` (32767, base64.ts).
 */
export const PeaksDto = z.strictObject({
  /** Exact length of the decoded audio, samples / sampleRate [seconds]. */
  duration: z.number().positive(),
  /** Of the decoded audio [Hz]. */
  sampleRate: z.number().int().positive(),
  /** Decoded length [samples per channel]. */
  samples: z.number().int().positive(),
  /** Buckets per second of audio [1/s]. */
  bucketRate: z.number().int().positive(),
  buckets: z.number().int().positive(),
  /** Largest |sample| of the mono mix; the quantisation's full scale. 0 for silence. */
  scale: z.number().nonnegative(),
  data: z.string(),
})
export type PeaksDto = z.infer<typeof PeaksDto>

/**
 * A boundary the user locked: chord `token` of the merged typed sequence (repeats expanded, adjacent
 * equal chords merged) starts at `time`; `token` = number of chords locks the end of the last one.
 */
export const Anchor = z.strictObject({
  /** [seconds]. */
  time: Seconds,
  /** 0-based index in the merged sequence of the chord starting at `time`. */
  token: z.number().int().nonnegative(),
})
export type Anchor = z.infer<typeof Anchor>

/** Something the aligner wants the user to look at, with the time span it concerns. */
export const AlignWarning = z.strictObject({
  message: z.string(),
  /** [seconds], when the warning concerns a place. */
  start: z.number().nullable(),
  end: z.number().nullable(),
})
export type AlignWarning = z.infer<typeof AlignWarning>

export const AlignResult = z.strictObject({
  segments: z.array(SegmentDto),
  warnings: z.array(AlignWarning),
  /** What produced the emissions (`templates`, a model id …). */
  method: z.string(),
  /** Wall time of the alignment itself [ms]. */
  ms: z.number(),
})
export type AlignResult = z.infer<typeof AlignResult>

/** One error of a typed sequence, at a 1-based line:col. */
export const SequenceError = z.strictObject({
  message: z.string(),
  token: z.string(),
  line: z.number().int(),
  col: z.number().int(),
})
export type SequenceError = z.infer<typeof SequenceError>

export const SequenceParseDto = z.strictObject({
  /** Canonical Harte labels, repeats expanded. */
  labels: z.array(z.string()),
  errors: z.array(SequenceError),
})
export type SequenceParseDto = z.infer<typeof SequenceParseDto>

export const ImportResult = z.strictObject({
  imported: z.array(RecordingSummary),
  /** Files that were not imported and why (one line each). */
  skipped: z.array(z.strictObject({ path: z.string(), reason: z.string() })),
})
export type ImportResult = z.infer<typeof ImportResult>

export const ExportFormat = z.enum(['lab', 'chords.txt'])
export type ExportFormat = z.infer<typeof ExportFormat>

export const ExportedFile = z.strictObject({
  /** Suggested file name (`<title>.lab`). */
  filename: z.string(),
  mime: z.string(),
  content: z.string(),
})
export type ExportedFile = z.infer<typeof ExportedFile>

export const JobKind = z.enum(['import', 'chroma', 'peaks', 'align', 'recognize', 'train', 'insight'])
export type JobKind = z.infer<typeof JobKind>

export const JobRef = z.strictObject({ jobId: Id, kind: JobKind })
export type JobRef = z.infer<typeof JobRef>

export const ErrorDto = z.strictObject({
  /** One of ApiErrorCode. */
  code: z.string(),
  /** One line saying what went wrong and what to do. */
  message: z.string(),
})
export type ErrorDto = z.infer<typeof ErrorDto>

export const JobProgress = z.strictObject({
  jobId: Id,
  kind: JobKind,
  /** What the job does now (`decoding`, `chroma`, `aligning` …). */
  stage: z.string(),
  /** Done fraction in [0, 1], null when unknown. */
  fraction: z.number().min(0).max(1).nullable(),
})
export type JobProgress = z.infer<typeof JobProgress>

export const JobState = z.enum(['running', 'done', 'failed', 'cancelled'])
export type JobState = z.infer<typeof JobState>

export const JobStatus = z.strictObject({
  jobId: Id,
  kind: JobKind,
  state: JobState,
  stage: z.string(),
  fraction: z.number().nullable(),
  /** The job's result when done (its schema depends on `kind`). */
  result: z.unknown().optional(),
  error: ErrorDto.nullable(),
})
export type JobStatus = z.infer<typeof JobStatus>

export const ServerInfo = z.strictObject({
  version: z.string(),
  /** How the renderer reaches the backend. */
  transport: z.enum(['electron', 'http', 'direct']),
  /** Where uploads are stored (browser mode) [absolute path]. */
  mediaDir: z.string(),
  dbPath: z.string(),
  /** Capabilities that are wired in this build; the UI disables what is missing and says why. */
  features: z.strictObject({
    store: z.boolean(),
    chroma: z.boolean(),
    /** Waveform peaks computed by the backend (else the renderer decodes the audio itself). */
    peaks: z.boolean(),
    align: z.boolean(),
    recognize: z.boolean(),
    /** Training, models and the insight views. */
    training: z.boolean(),
    nativeDialogs: z.boolean(),
  }),
  /** For each missing feature, why (one line). */
  missing: z.record(z.string(), z.string()),
})
export type ServerInfo = z.infer<typeof ServerInfo>
