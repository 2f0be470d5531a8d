/** ChordWarpApi over the Electron preload bridge: unwraps `{ok, value}` envelopes into values or ApiErrors. */
import { API_METHOD_NAMES, apiErrorFrom, type ChordWarpApi } from '../../../core/api/client'
import type { ChordWarpBridge, IpcEnvelope } from '../../../preload/bridge'

export function createElectronApi(bridge: ChordWarpBridge): ChordWarpApi {
  const api: Record<string, unknown> = {
    on: bridge.on,
    audioUrl: bridge.audioUrl,
  }
  for (const name of API_METHOD_NAMES) {
    const call = bridge[name] as (input: unknown) => Promise<IpcEnvelope>
    api[name] = async (input: unknown) => {
      const r = await call(input ?? {})
      if (r.ok) return r.value
      throw apiErrorFrom(r.error)
    }
  }
  return api as unknown as ChordWarpApi
}
