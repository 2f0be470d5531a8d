/**
 * Preload: the ChordWarp API bridge over IPC, nothing else. One `ipcRenderer.invoke('cw:<method>')`
 * per API method (answers are `{ok, value}` / `{ok: false, error: {code, message}}` envelopes so the
 * error code survives the context bridge), one listener channel for events, and the audio URL of the
 * `cw-media:` protocol. No Node API, no generic send/invoke reaches the renderer.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron'
import { API_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannel } from '../core/api/names'
import type { ChordWarpBridge, IpcEnvelope } from './bridge'

const bridge: Record<string, unknown> = {}
for (const method of API_METHOD_NAMES)
  bridge[method] = (input: unknown): Promise<IpcEnvelope> => ipcRenderer.invoke(ipcChannel(method), input)

bridge.on = (event: string, listener: (...args: unknown[]) => void): (() => void) => {
  const handler = (_e: IpcRendererEvent, name: string, args: unknown[]) => {
    if (name === event) listener(...args)
  }
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
  }
}
bridge.audioUrl = (recordingId: string): string => `cw-media://audio/${encodeURIComponent(recordingId)}`

contextBridge.exposeInMainWorld('chordwarpBridge', bridge as unknown as ChordWarpBridge)
