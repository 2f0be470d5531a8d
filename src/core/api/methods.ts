/**
 * The ChordWarp API as one table: for each method its input schema, its output schema and whether it
 * answers at once (`call`) or starts a job (`job`: the call answers `{jobId, kind}` at once, progress
 * and the result arrive as events, see `ApiEvents`). Electron IPC (`cw:<method>`), HTTP
 * (`POST /api/call/<method>`) and the in-process service are all typed and validated from this table.
 */
import { z } from 'zod'
import type { API_METHOD_NAMES } from './names'
import {
  AlignResult,
  Anchor,
  Annotation,
  ChromaDto,
  Draft,
  ExportedFile,
  ExportFormat,
  Id,
  ImportResult,
  type JobKind,
  JobRef,
  JobStatus,
  PeaksDto,
  RecordingDetail,
  RecordingSummary,
  RevisionInfo,
  Seconds,
  SegmentDto,
  SegmentList,
  SequenceParseDto,
  ServerInfo,
} from './schemas'
import {
  Accelerators,
  AccuracyDto,
  DistributionDto,
  ExpectedAlignmentDto,
  ModelDetail,
  ModelSummary,
  RunSummary,
  TrainConfig,
  TrainCorpus,
  TrainResult,
} from './training'

interface MethodSpec<I extends z.ZodType, O extends z.ZodType, K extends 'call' | 'job'> {
  kind: K
  input: I
  /** For `call`: the answer. For `job`: the result carried by the `job-done` event. */
  output: O
  /** For `job`: the kind of job it starts. */
  job?: JobKind
  /** One line for docs and `--help`. */
  doc: string
}

const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string) =>
  ({ kind: 'call', input, output, doc }) as MethodSpec<I, O, 'call'>
const job = <I extends z.ZodType, O extends z.ZodType>(job: JobKind, input: I, output: O, doc: string) =>
  ({ kind: 'job', job, input, output, doc }) as MethodSpec<I, O, 'job'>

const RecordingRef = z.strictObject({ recordingId: Id })

/**
 * What alignment and recognition score frames with: the chroma templates, or a trained chord model
 * (the active one unless `modelId` names another).
 */
const Emission = z.enum(['templates', 'model'])

/** Which model: the active one when absent. */
const ModelRef = Id.optional()

/** Longest typed sequence accepted [characters]. */
export const MAX_SEQUENCE_CHARS = 200_000
/** Longest model file `importModel` takes [characters] (a conv model with its training record is ~100 kB). */
export const MAX_MODEL_FILE_CHARS = 16 * 1024 * 1024

export const apiMethods = {
  getInfo: call(z.strictObject({}), ServerInfo, 'version, transport and which capabilities are wired'),
  listRecordings: call(
    z.strictObject({
      /** Case-insensitive substring of the title, the path or a tag. */
      query: z.string().max(500).optional(),
    }),
    z.array(RecordingSummary),
    'the recordings in the library, newest first, optionally filtered',
  ),
  importFiles: job(
    'import',
    z.strictObject({
      /** Audio files or folders (searched recursively) on the backend's machine [absolute paths]. */
      paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
    }),
    ImportResult,
    'import audio files or folders (with their .lab / .chords.txt beside them)',
  ),
  importUpload: call(
    z.strictObject({
      /** The file's name as the user had it (only the base name is used). */
      name: z.string().min(1).max(255),
      bytes: z.instanceof(Uint8Array),
    }),
    RecordingSummary,
    'store uploaded audio in the library folder and import it (browser mode, drag and drop)',
  ),
  removeRecording: call(
    RecordingRef,
    z.strictObject({ removed: z.boolean() }),
    'remove a recording from the library (the audio file is not deleted)',
  ),
  setTags: call(
    z.strictObject({
      recordingId: Id,
      /** The whole tag set (replaces the old one); each trimmed, empty ones dropped. */
      tags: z.array(z.string().trim().max(64)).max(50),
    }),
    RecordingSummary,
    "replace a recording's tags (collections to search and to train on)",
  ),
  openRecording: call(RecordingRef, RecordingDetail, 'a recording with its current annotation and draft'),
  getChroma: job('chroma', RecordingRef, ChromaDto, 'chroma features of a recording (cached)'),
  getPeaks: job(
    'peaks',
    RecordingRef,
    PeaksDto,
    'waveform peaks (max/min of the mono mix per bucket) and the exact duration of a recording (cached)',
  ),
  parseSequence: call(
    z.strictObject({ text: z.string().max(MAX_SEQUENCE_CHARS) }),
    SequenceParseDto,
    'expand a typed chord sequence into Harte labels, with every error at its line:col',
  ),
  align: job(
    'align',
    z.strictObject({
      recordingId: Id,
      /** The typed chord sequence (lead-sheet syntax). */
      sequence: z.string().min(1).max(MAX_SEQUENCE_CHARS),
      /** Locked boundaries kept fixed by the alignment. */
      anchors: z.array(Anchor).max(100_000).default([]),
      /** Score frames with the chroma templates or a trained model (Default value = 'templates'). */
      emission: Emission.default('templates'),
      /** The model for `emission: 'model'` (Default value = the active model). */
      modelId: ModelRef,
    }),
    AlignResult,
    'align a typed chord sequence to the recording',
  ),
  recognize: job(
    'recognize',
    z.strictObject({ recordingId: Id, emission: Emission.default('templates'), modelId: ModelRef }),
    AlignResult,
    'recognise chords without a typed sequence',
  ),
  saveAnnotation: call(
    z.strictObject({
      recordingId: Id,
      segments: SegmentList,
      sequence: z.string().max(MAX_SEQUENCE_CHARS).nullable(),
      locks: z.array(Seconds).max(100_000).default([]),
      source: z.enum(['typed', 'aligned', 'recognised', 'edited']),
      /** The user marks the annotation as reviewed. */
      reviewed: z.boolean(),
      /** The revision the edits started from; null for the first. */
      parentId: Id.nullable(),
    }),
    RevisionInfo,
    'save the annotation as a new immutable revision (and drop the draft)',
  ),
  listRevisions: call(RecordingRef, z.array(RevisionInfo), 'all revisions of a recording, newest first'),
  getRevision: call(z.strictObject({ recordingId: Id, revisionId: Id }), Annotation, 'one saved revision'),
  saveDraft: call(
    z.strictObject({
      recordingId: Id,
      baseRevisionId: Id.nullable(),
      segments: z.array(SegmentDto).max(100_000),
      sequence: z.string().max(MAX_SEQUENCE_CHARS),
      locks: z.array(Seconds).max(100_000),
    }),
    Draft,
    'keep unsaved editor state (autosave); replaced by the next draft, dropped by a save',
  ),
  discardDraft: call(RecordingRef, z.strictObject({ discarded: z.boolean() }), 'drop the unsaved draft'),
  exportAnnotation: call(
    z.strictObject({
      recordingId: Id,
      format: ExportFormat,
      /** Export these segments (what the editor shows); otherwise the current revision. */
      segments: SegmentList.optional(),
      /** Export this revision instead of the current one. */
      revisionId: Id.optional(),
    }),
    ExportedFile,
    'the annotation as a .lab (rich Harte labels) or .chords.txt file',
  ),
  getJob: call(z.strictObject({ jobId: Id }), JobStatus, 'state, progress and result of a job'),
  cancelJob: call(
    z.strictObject({ jobId: Id }),
    z.strictObject({ cancelled: z.boolean() }),
    'cancel a running job (false when it had already ended)',
  ),
  getAccelerators: call(
    z.strictObject({}),
    Accelerators,
    'the tfjs backend and the DTW backend training and alignment run on (GPU / native / wasm / cpu)',
  ),
  listModels: call(
    z.strictObject({}),
    z.array(ModelSummary),
    'the chord models in the library, newest first',
  ),
  getModel: call(
    z.strictObject({ modelId: Id }),
    ModelDetail,
    'a model with its learnt templates, training curve and held-out scores',
  ),
  setActiveModel: call(
    z.strictObject({ modelId: Id.nullable() }),
    z.strictObject({ activeModelId: Id.nullable() }),
    'make a model the one alignment and recognition use (any earlier model: rollback); null: none',
  ),
  renameModel: call(
    z.strictObject({ modelId: Id, name: z.string().trim().min(1).max(120) }),
    ModelSummary,
    'give a model another name',
  ),
  removeModel: call(
    z.strictObject({ modelId: Id }),
    z.strictObject({ removed: z.boolean() }),
    'delete a model that is not active (its training run stays, without it)',
  ),
  exportModel: call(
    z.strictObject({ modelId: Id }),
    ExportedFile,
    'a model as a ChordWarp model file (.json: weights, config, training record), for `--model` or another library',
  ),
  importModel: call(
    z.strictObject({
      /** The file's name, for messages and the model's name when the file has none. */
      filename: z.string().min(1).max(255),
      /** The file's text (a ChordWarp model file). */
      content: z.string().min(1).max(MAX_MODEL_FILE_CHARS),
    }),
    ModelSummary,
    'add a ChordWarp model file (from `chordwarp train -o`, or exported from another library); not made active',
  ),
  train: job(
    'train',
    TrainConfig,
    TrainResult,
    'train a chord model on a corpus; epochs stream as train-progress events; saved as a new model',
  ),
  listRuns: call(
    z.strictObject({}),
    z.array(RunSummary),
    'training runs with their loss curves, newest first',
  ),
  getTargetDistribution: job(
    'insight',
    z.strictObject({
      corpus: TrainCorpus,
      /** Soft lengths to tabulate [chords] (Default value = [16, 75], the seed's). */
      softLengths: z.array(z.number().int().min(1).max(1000)).min(1).max(8).default([16, 75]),
    }),
    DistributionDto,
    'class distributions of the training targets: strong and each soft length (seed Tables 4.2/4.3)',
  ),
  getExpectedAlignment: job(
    'insight',
    z.strictObject({
      recordingId: Id,
      modelId: ModelRef,
      /** Soft-min temperature γ (Default value = 1). */
      gamma: z.number().positive().max(1000).default(1),
      /** The typed sequence (Default value = the recording's latest typed sequence). */
      sequence: z.string().min(1).max(MAX_SEQUENCE_CHARS).optional(),
    }),
    ExpectedAlignmentDto,
    "soft-DTW expected alignment E of the model's predictions with the typed sequence, and the hard path",
  ),
  getModelAccuracy: job(
    'insight',
    z.strictObject({
      modelId: ModelRef,
      corpus: TrainCorpus.default({ kind: 'library', includeImported: false }),
    }),
    AccuracyDto,
    "per-recording and per-chord accuracy of a model's recognition on reviewed annotations",
  ),
  openFilesDialog: call(
    z.strictObject({ mode: z.enum(['files', 'folder']) }),
    z.strictObject({ paths: z.array(z.string()) }),
    'native open dialog (Electron only): the chosen paths, which importFiles then accepts',
  ),
} as const

export type ApiMethods = typeof apiMethods
export type MethodName = keyof ApiMethods
export type JobMethodName = {
  [K in MethodName]: ApiMethods[K]['kind'] extends 'job' ? K : never
}[MethodName]

/** What a caller passes (defaults may be omitted). */
export type MethodInput<K extends MethodName> = z.input<ApiMethods[K]['input']>
/** What the implementation receives after validation (defaults filled in). */
export type ParsedInput<K extends MethodName> = z.output<ApiMethods[K]['input']>
/** What a call answers: the output, or `{jobId, kind}` for a job. */
export type MethodOutput<K extends MethodName> = ApiMethods[K]['kind'] extends 'job'
  ? JobRef
  : z.output<ApiMethods[K]['output']>
/** The result a job method's `job-done` event carries. */
export type JobResult<K extends JobMethodName> = z.output<ApiMethods[K]['output']>

export const METHOD_NAMES = Object.keys(apiMethods) as MethodName[]

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(apiMethods, name)
}

/** Schema of what a method answers on the wire (JobRef for jobs). */
export function answerSchema(name: MethodName): z.ZodType {
  const m = apiMethods[name]
  return m.kind === 'job' ? JobRef : m.output
}

// Compile-time check: the preload's name list and this table have the same methods.
type _NamesMatch = [MethodName] extends [(typeof API_METHOD_NAMES)[number]]
  ? [(typeof API_METHOD_NAMES)[number]] extends [MethodName]
    ? true
    : never
  : never
export const _namesMatch: _NamesMatch = true
