/**
 * The API the renderer uses: the Electron preload bridge when there is one, otherwise HTTP +
 * WebSocket to `chordwarp serve`. Components never know which.
 */
import type { ChordWarpApi, RecordingSummary } from '../../../core/api'
import { createElectronApi } from './electron-client'
import { createHttpApi, uploadFile } from './http-client'

export const inElectron = typeof window !== 'undefined' && !!window.chordwarpBridge

export function connectApi(): ChordWarpApi {
  return window.chordwarpBridge ? createElectronApi(window.chordwarpBridge) : createHttpApi()
}

/** Import a dropped or chosen File: streamed upload in browser mode, its bytes over IPC in Electron. */
export async function importFile(api: ChordWarpApi, file: File): Promise<RecordingSummary> {
  if (!inElectron) return uploadFile(file)
  return api.importUpload({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })
}
