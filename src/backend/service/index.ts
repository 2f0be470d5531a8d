export { DraftStore } from './drafts'
export type { JobContext, JobRunnerOptions, WorkerMessage } from './jobs'
export { defaultJobRunnerOptions, JobRunner, toErrorDto } from './jobs'
export type {
  LibraryPort,
  StoredAnnotation,
  StoredRecording,
  StoredRevision,
  TaskAvailability,
} from './ports'
export { type ByteRange, byteRange, contentRange } from './range'
export type { AudioSource, ServiceOptions } from './service'
export { AUDIO_EXTENSIONS, ChordWarpService, safeFileName, VERSION } from './service'
export { StoreLibrary } from './store-library'
export type { AppServiceOptions } from './wiring'
export { APP_CHROMA_OPTIONS, createAppService, TASKS_AVAILABLE } from './wiring'
