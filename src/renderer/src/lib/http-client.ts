/**
 * ChordWarpApi over HTTP + WebSocket (browser mode). Calls are `POST /api/call/<method>` with JSON;
 * uploads stream the file's bytes to `/api/upload`; events arrive on the `/api/events` WebSocket,
 * which reconnects with a back-off and announces each (re)connection with a `connection` event.
 * Authentication is the HttpOnly cookie the server set when the page was opened with its token.
 */
import {
  API_METHOD_NAMES,
  type ApiEventName,
  type ApiEvents,
  apiErrorFrom,
  type ChordWarpApi,
  Emitter,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type RecordingSummary,
} from '../../../core/api/client'

class Events extends Emitter<ApiEvents> {
  fire<E extends ApiEventName>(event: E, ...args: ApiEvents[E]): void {
    this.emit(event, ...args)
  }
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    throw apiErrorFrom({
      code: 'internal',
      message: `the server answered ${res.status} with non-JSON: ${text.slice(0, 200)}`,
    })
  }
  if (!res.ok) throw apiErrorFrom((body as { error?: unknown })?.error ?? { message: `HTTP ${res.status}` })
  return body as T
}

export function createHttpApi(base = ''): ChordWarpApi {
  const events = new Events()
  let socket: WebSocket | null = null
  let retry = 0

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(`${proto}//${location.host}${base}/api/events`)
    socket = ws
    ws.onmessage = (m) => {
      try {
        const { event, args } = JSON.parse(String(m.data)) as { event: ApiEventName; args: unknown[] }
        if (event === 'connection') retry = 0
        events.fire(event, ...(args as ApiEvents[typeof event]))
      } catch (e) {
        console.error('bad event from the server', e)
      }
    }
    ws.onclose = () => {
      if (socket !== ws) return
      events.fire('connection', { connected: false })
      const delay = Math.min(10_000, 250 * 2 ** retry++)
      setTimeout(connect, delay)
    }
  }
  connect()

  const call = async (method: MethodName, input: unknown): Promise<unknown> => {
    const res = await fetch(`${base}/api/call/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    })
    return answer(res)
  }

  const api = {
    on: (event: ApiEventName, listener: (...args: never[]) => void) => events.on(event, listener as never),
    audioUrl: (recordingId: string) => `${base}/api/audio/${encodeURIComponent(recordingId)}`,
  } as Partial<ChordWarpApi> & Record<string, unknown>
  for (const name of API_METHOD_NAMES)
    (api as Record<string, unknown>)[name] = (input: unknown) => call(name, input)
  api.importUpload = async (input: MethodInput<'importUpload'>): Promise<MethodOutput<'importUpload'>> => {
    const res = await fetch(`${base}/api/upload?name=${encodeURIComponent(input.name)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: input.bytes as Uint8Array<ArrayBuffer>,
    })
    return answer<RecordingSummary>(res)
  }
  return api as ChordWarpApi
}

/** Upload a File without reading it into memory first (browser mode). */
export async function uploadFile(file: File, base = ''): Promise<RecordingSummary> {
  const res = await fetch(`${base}/api/upload?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: file,
  })
  return answer<RecordingSummary>(res)
}
