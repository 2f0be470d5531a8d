/**
 * Wires the service to the backend rooms that exist in this build. A capability whose module has
 * not landed is reported as missing with the reason (getInfo → `missing`), and its methods answer
 * `unavailable`; nothing is faked.
 */
import type { ServerInfo } from '../../core/api'
import { resolveChromaOptions } from '../../core/features'
import { openStore } from '../store'
import type { TaskAvailability } from './ports'
import { ChordWarpService, type ServiceOptions } from './service'
import { StoreLibrary } from './store-library'

export interface AppServiceOptions {
  /** The library database file [path]. */
  dbPath: string
  transport: ServerInfo['transport']
  /** The job worker script (`out/node/backend_service_tasks.worker.js`). */
  workerUrl: URL | null
  /** better-sqlite3 addon built for Electron's ABI (Electron main passes it) [path]. */
  nativeBinding?: string
  openDialog?: ServiceOptions['openDialog']
  restrictImportsToDialogs?: boolean
}

/** Which worker tasks this build has (they must exist in tasks.ts). */
export const TASKS_AVAILABLE: TaskAvailability = { chroma: true, align: true, recognize: true }

const MISSING: Record<string, string> = {
  chroma: 'chroma of audio files (src/backend/features) is not in this build yet',
  align: 'alignment (src/core/align) is not in this build yet',
  recognize: 'recognition (src/core/align) is not in this build yet',
}

/** The chroma the app computes, caches and aligns on: the `align` pipeline with its defaults. */
export const APP_CHROMA_OPTIONS = resolveChromaOptions({ pipeline: 'align' })

/** Open the library and build the service the transports (Electron main, HTTP server) share. */
export async function createAppService(opts: AppServiceOptions): Promise<ChordWarpService> {
  const store = openStore(opts.dbPath, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {})
  const library = new StoreLibrary(store, { ...APP_CHROMA_OPTIONS })
  const missing: Record<string, string> = {}
  for (const k of ['chroma', 'align', 'recognize'] as const) if (!TASKS_AVAILABLE[k]) missing[k] = MISSING[k]!
  return new ChordWarpService({
    dbPath: store.path,
    library,
    tasks: TASKS_AVAILABLE,
    missing,
    chromaOptions: { ...APP_CHROMA_OPTIONS },
    jobs: { workerUrl: opts.workerUrl },
    transport: opts.transport,
    openDialog: opts.openDialog,
    restrictImportsToDialogs: opts.restrictImportsToDialogs,
  })
}
