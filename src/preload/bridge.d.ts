/** Types of what the preload exposes as `window.chordwarpBridge` (shared by main, preload and renderer). */
import type { ApiEventName, ApiEvents, ErrorDto, MethodInput, MethodName, MethodOutput } from '../core/api'

/** What an IPC handler answers. */
export type IpcEnvelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorDto }

export type ChordWarpBridge = {
  [K in MethodName]: (input: MethodInput<K>) => Promise<IpcEnvelope<MethodOutput<K>>>
} & {
  on<E extends ApiEventName>(event: E, listener: (...args: ApiEvents[E]) => void): () => void
  audioUrl(recordingId: string): string
}
