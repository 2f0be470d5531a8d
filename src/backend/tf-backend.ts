/**
 * Choosing the tfjs backend at run time: tfjs-node-gpu → tfjs-node → wasm → cpu (`auto`), or one named
 * backend. The native packages are optional dependencies; when they are missing the next candidate is
 * tried and the reason recorded. The wasm binaries load from `node_modules` (no network).
 */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import * as tf from '@tensorflow/tfjs'

/** A backend candidate. */
export type TfCandidate = 'node-gpu' | 'node' | 'wasm' | 'cpu'
/** What the user asks for. */
export type TfBackendPreference = 'auto' | TfCandidate

export const TF_CANDIDATES: readonly TfCandidate[] = ['node-gpu', 'node', 'wasm', 'cpu']

/** One attempt. */
export interface TfBackendAttempt {
  candidate: TfCandidate
  ok: boolean
  /** Why it failed (one line). */
  reason?: string
}

/** The outcome, for logs, `doctor` and model files. */
export interface TfBackendReport {
  /** The candidate in use. */
  candidate: TfCandidate
  /** tfjs' name of the active backend (`tensorflow`, `wasm`, `cpu`). */
  backend: string
  /** Whether it computes on a GPU. */
  gpu: boolean
  /** Every candidate tried, in order. */
  attempts: TfBackendAttempt[]
  /** @tensorflow/tfjs version. */
  tfjsVersion: string
}

/** Makes a candidate the active tfjs backend, or throws why not. */
export type TfLoader = () => Promise<void>

const require = createRequire(import.meta.url)

async function importOptional(name: string): Promise<void> {
  try {
    await import(/* @vite-ignore */ name)
  } catch (e) {
    const msg = (e as Error).message ?? String(e)
    if (/Cannot find (package|module)/.test(msg)) throw new Error(`${name} is not installed`)
    throw new Error(`${name} failed to load: ${msg.split('\n')[0]}`)
  }
}

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name)
  if (!ok) throw new Error(`tfjs could not initialise the "${name}" backend`)
  await tf.ready()
}

/** Directory holding the tfjs wasm binaries inside node_modules, with a trailing slash. */
export function wasmDirectory(): string {
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`
}

let wasmPathsSet = false

/** The real loaders. */
export const defaultTfLoaders: Record<TfCandidate, TfLoader> = {
  'node-gpu': async () => {
    await importOptional('@tensorflow/tfjs-node-gpu')
    await activate('tensorflow')
  },
  node: async () => {
    await importOptional('@tensorflow/tfjs-node')
    await activate('tensorflow')
  },
  wasm: async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    if (!wasmPathsSet) {
      wasm.setWasmPaths(wasmDirectory())
      wasmPathsSet = true
    }
    await activate('wasm')
  },
  cpu: async () => {
    await activate('cpu')
  },
}

/** Parse a preference (CLI flag or `CHORDWARP_TF_BACKEND`), or throw naming the valid ones. */
export function parseTfPreference(text: string): TfBackendPreference {
  const t = text.trim().toLowerCase()
  if (t === 'auto' || (TF_CANDIDATES as readonly string[]).includes(t)) return t as TfBackendPreference
  throw new RangeError(`unknown tfjs backend "${text}" (auto, ${TF_CANDIDATES.join(', ')})`)
}

/**
 * Select the tfjs backend. `auto` tries node-gpu, node, wasm, cpu in order and keeps the first that
 * works; a named backend is tried alone and its failure is an error. Without an argument the
 * preference comes from `CHORDWARP_TF_BACKEND`, else `auto`. tfjs' Node banner is silenced.
 * @param preference which backend
 * @param loaders replaceable loaders (tests)
 */
export async function selectTfBackend(
  preference?: TfBackendPreference,
  loaders: Record<TfCandidate, TfLoader> = defaultTfLoaders,
): Promise<TfBackendReport> {
  const pref = preference ?? parseTfPreference(process.env.CHORDWARP_TF_BACKEND ?? 'auto')
  tf.env().set('PROD', true)
  const order = pref === 'auto' ? TF_CANDIDATES : [pref]
  const attempts: TfBackendAttempt[] = []
  for (const candidate of order) {
    try {
      await loaders[candidate]()
      attempts.push({ candidate, ok: true })
      return {
        candidate,
        backend: tf.getBackend(),
        gpu: candidate === 'node-gpu',
        attempts,
        tfjsVersion: tf.version.tfjs,
      }
    } catch (e) {
      attempts.push({ candidate, ok: false, reason: ((e as Error).message ?? String(e)).split('\n')[0]! })
    }
  }
  const why = attempts.map((a) => `${a.candidate}: ${a.reason}`).join('; ')
  throw new Error(`no tfjs backend could be started (${why})`)
}

/** One line for humans: `wasm (tried node-gpu: … not installed; node: … not installed)`. */
export function describeTfBackend(r: TfBackendReport): string {
  const failed = r.attempts.filter((a) => !a.ok)
  return failed.length === 0
    ? r.candidate
    : `${r.candidate} (tried ${failed.map((a) => `${a.candidate}: ${a.reason}`).join('; ')})`
}
