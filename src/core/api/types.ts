/**
 * `ChordWarpApi`: the one interface the renderer talks to ("one API, three doors"). Electron
 * implements it over IPC (preload), browser mode over HTTP + WebSocket, tests over either or
 * in-process. Derived from the method table, so a new method is typed everywhere at once.
 */

import type { MethodInput, MethodName, MethodOutput } from './methods'
import type { ErrorDto, JobKind, JobProgress } from './schemas'
import type { TrainProgress } from './training'

/** Events pushed by the backend (same map for IPC and WebSocket). */
export type ApiEvents = {
  /** A job moved on. */
  'job-progress': [progress: JobProgress]
  /** A job finished; `result` matches the output schema of the method that started it. */
  'job-done': [done: { jobId: string; kind: JobKind; result: unknown }]
  /** A job failed with a one-line error. */
  'job-failed': [failed: { jobId: string; kind: JobKind; error: ErrorDto }]
  /** A job was cancelled by the user. */
  'job-cancelled': [cancelled: { jobId: string; kind: JobKind }]
  /** A training job moved on: it started (with its accelerator) or finished an epoch. */
  'train-progress': [progress: TrainProgress]
  /** Models were added, or the active model changed. */
  'models-changed': [change: { activeModelId: string | null }]
  /** Recordings were added, removed or changed status. */
  'library-changed': [change: { recordingIds: string[] }]
  /** The event stream (re)connected: events may have been missed, poll jobs with getJob. */
  connection: [state: { connected: boolean }]
  /** A menu command of the Electron app (`save`, `undo`, `open-audio` …). */
  menu: [command: { command: string }]
}
export type ApiEventName = keyof ApiEvents

/** The methods of the API, each `(input) => Promise<output>`. */
export type ApiMethodsOf = { [K in MethodName]: (input: MethodInput<K>) => Promise<MethodOutput<K>> }

export interface ChordWarpApi extends ApiMethodsOf {
  /** Subscribe to a backend event; returns the unsubscribe function. */
  on<E extends ApiEventName>(event: E, listener: (...args: ApiEvents[E]) => void): () => void
  /** A URL the renderer's media element can stream the recording's audio from (with HTTP ranges). */
  audioUrl(recordingId: string): string
}

/** The event names, for transports that forward them. */
export const API_EVENT_NAMES: readonly ApiEventName[] = [
  'job-progress',
  'job-done',
  'job-failed',
  'job-cancelled',
  'train-progress',
  'models-changed',
  'library-changed',
  'connection',
  'menu',
]
