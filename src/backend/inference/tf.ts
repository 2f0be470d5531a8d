/**
 * The tfjs backend of this thread, chosen once (tfjs-node-gpu → tfjs-node → wasm → cpu, or
 * `CHORDWARP_TF_BACKEND`) and reused by every later prediction.
 */
import { selectTfBackend, type TfBackendPreference, type TfBackendReport } from '../tf-backend'

let chosen: Promise<TfBackendReport> | null = null

/**
 * Select the tfjs backend on first use and return the report of that choice afterwards.
 * @param preference `auto` (default: `CHORDWARP_TF_BACKEND`, else auto) or a named backend
 */
export function ensureTfBackend(preference?: TfBackendPreference): Promise<TfBackendReport> {
  if (!chosen) {
    chosen = selectTfBackend(preference)
    chosen.catch(() => {
      chosen = null
    })
  }
  return chosen
}
