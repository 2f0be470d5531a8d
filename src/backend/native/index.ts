/**
 * The accelerated DTW backends: load the native addon once per process and register 'native' (C++
 * threads) and 'cuda' (when a GPU is present) into the engine's registry, so `backend: 'auto'` uses
 * them. Call `registerNativeDtwBackends()` at process start (CLI, worker threads, Electron main);
 * `nativeStatus()` says what is registered and why anything is not (for `chordwarp doctor`).
 */
import { availableParallelism } from 'node:os'
import { registerDtwBackend } from '../../core/dtw'
import type { CudaProbe, NativeAddon } from './addon'
import { createCudaBackend, createNativeBackend, type NativeTuning } from './backend'
import {
  buildRecord,
  findRoot,
  loadNativeAddon,
  type NativeLoadOptions,
  type NativeLoadResult,
} from './loader'

export type { CudaProbe, NativeAddon, NativeBuildRecord, NativeRunArgs } from './addon'
export {
  CUDA_MIN_CELLS,
  createCudaBackend,
  createNativeBackend,
  cudaUnsupported,
  nativeOptions,
} from './backend'
export {
  buildFailure,
  buildRecord,
  candidates,
  findRoot,
  loadNativeAddon,
  type NativeLoadOptions,
  type NativeLoadResult,
  nativeSourceHash,
} from './loader'

export interface NativeDtwOptions extends NativeLoadOptions {
  /**
   * Threads per native DTW call [threads], ≥ 1. Default: CHORDWARP_DTW_THREADS, else
   * os.availableParallelism().
   */
  threads?: number
  /** Register the CUDA backend when a device is present. Default: true unless CHORDWARP_CUDA=0. */
  cuda?: boolean
  /** Test/benchmark knobs of the native backend. Default: none. */
  tuning?: NativeTuning
}

export interface NativeStatus {
  load: NativeLoadResult
  native: { registered: boolean; threads: number; reason: string | null }
  cuda: { registered: boolean; reason: string | null; probe: CudaProbe | null }
}

let loaded: NativeLoadResult | null = null
let status: NativeStatus | null = null
const unregister: (() => void)[] = []

/** The threads a native call uses by default. */
export function defaultDtwThreads(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.CHORDWARP_DTW_THREADS
  if (v !== undefined && v !== '') {
    const n = Number(v)
    if (Number.isInteger(n) && n >= 1) return n
  }
  return Math.max(1, availableParallelism())
}

/** The loaded addon (loading it on first use), or null. */
export function nativeAddon(opts: NativeLoadOptions = {}): NativeAddon | null {
  if (loaded === null) loaded = loadNativeAddon(opts)
  return loaded.addon
}

/**
 * Load the addon and (re-)register the native and CUDA backends. Safe to call again (e.g. with other
 * threads): the previous registration is replaced. Never throws; see the returned status.
 */
export function registerNativeDtwBackends(opts: NativeDtwOptions = {}): NativeStatus {
  if (loaded === null || opts.nativeBinding !== undefined || opts.root !== undefined)
    loaded = loadNativeAddon(opts)
  for (const off of unregister.splice(0)) off()
  const threads = opts.threads ?? defaultDtwThreads(opts.env)
  const addon = loaded.addon
  const s: NativeStatus = {
    load: loaded,
    native: { registered: false, threads, reason: loaded.reason },
    cuda: { registered: false, reason: null, probe: null },
  }
  if (addon) {
    unregister.push(registerDtwBackend(createNativeBackend(addon, threads, opts.tuning)))
    s.native.registered = true
    const env = opts.env ?? process.env
    const probe = addon.cudaProbe()
    s.cuda.probe = probe
    if (opts.cuda === false || env.CHORDWARP_CUDA === '0') s.cuda.reason = 'disabled (CHORDWARP_CUDA=0)'
    else if (!probe.compiled) {
      // the build record says why nvcc was not used (or failed)
      const root = opts.root ?? findRoot()
      const rec = root ? buildRecord(root) : null
      s.cuda.reason = `the addon was built without CUDA: ${rec?.cuda.reason || 'no build record (native/build/build-info.json)'}`
    } else if (!probe.available) s.cuda.reason = probe.reason
    else {
      unregister.push(registerDtwBackend(createCudaBackend(addon)))
      s.cuda.registered = true
    }
  } else {
    s.cuda.reason = `needs the native addon (${loaded.reason})`
  }
  status = s
  return s
}

/** The status of the last registration (registering first if nothing was registered yet). */
export function nativeStatus(): NativeStatus {
  return status ?? registerNativeDtwBackends()
}

/** Remove the native and CUDA backends again (tests). */
export function unregisterNativeDtwBackends(): void {
  for (const off of unregister.splice(0)) off()
  status = null
}
