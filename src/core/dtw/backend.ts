/**
 * Registry of DTW backends. The TS backend is built in; faster ones (native C++ threads, CUDA) are
 * registered at run time by src/backend, so src/core never imports them.
 */
import { DtwInputError } from './errors'
import type { DtwBackendName, ResolvedDtwOptions } from './options'
import { tsBackend } from './ts-backend'
import type { DtwBackend, DtwBatchInfo } from './types'

const registry = new Map<DtwBackendName, DtwBackend>([['ts', tsBackend]])

/**
 * Add (or replace) a backend. The TS backend cannot be replaced.
 * @returns a function that unregisters it again
 */
export function registerDtwBackend(backend: DtwBackend): () => void {
  if (backend.name === 'ts' && backend !== tsBackend)
    throw new Error('the "ts" DTW backend cannot be replaced')
  registry.set(backend.name, backend)
  return () => {
    if (registry.get(backend.name) === backend && backend.name !== 'ts') registry.delete(backend.name)
  }
}

/** Registered backends, highest priority first. */
export function listDtwBackends(): DtwBackend[] {
  return [...registry.values()].sort((a, b) => b.priority - a.priority)
}

/** The registered backend of that name, if any. */
export function getDtwBackend(name: DtwBackendName): DtwBackend | undefined {
  return registry.get(name)
}

/** A chosen backend and why it was chosen. */
export interface DtwBackendChoice {
  backend: DtwBackend
  /** e.g. "native (auto: highest priority supporting backend)" or "ts (auto; cuda: not registered)". */
  reason: string
}

/**
 * Choose the backend for a call. 'auto': the highest-priority registered backend whose `supports`
 * accepts the options and batch (the TS backend supports everything). A named backend must be
 * registered and support the call.
 * @throws DtwInputError when a named backend is missing or cannot run the call (message says why)
 */
export function selectDtwBackend(
  want: 'auto' | DtwBackendName,
  opts: ResolvedDtwOptions,
  info: DtwBatchInfo,
): DtwBackendChoice {
  if (want !== 'auto') {
    const b = registry.get(want)
    if (!b) throw new DtwInputError(`DTW backend "${want}" is not available (not registered in this process)`)
    const ok = b.supports(opts, info)
    if (ok !== true) throw new DtwInputError(`DTW backend "${want}" cannot run this call: ${ok}`)
    return { backend: b, reason: `${want} (requested)` }
  }
  const skipped: string[] = []
  for (const b of listDtwBackends()) {
    const ok = b.supports(opts, info)
    if (ok === true)
      return {
        backend: b,
        reason: `${b.name} (auto${skipped.length ? `; ${skipped.join('; ')}` : ''})`,
      }
    skipped.push(`${b.name}: ${ok}`)
  }
  // unreachable: ts supports everything
  throw new Error(`no DTW backend supports this call (${skipped.join('; ')})`)
}
