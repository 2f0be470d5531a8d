/**
 * Wires the service to the backend rooms that exist in this build. A capability whose module has
 * not landed is reported as missing with the reason (getInfo → `missing`), and its methods answer
 * `unavailable`; nothing is faked.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ServerInfo } from '../../core/api'
import type { LibraryPort, TaskAvailability } from './ports'
import { ChordWarpService, type ServiceOptions } from './service'

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
export const TASKS_AVAILABLE: TaskAvailability = { chroma: false, align: false, recognize: false }

const MISSING: Record<string, string> = {
  store: 'the library store (src/backend/store) is not in this build yet',
  chroma: 'chroma features (src/backend/features) are not in this build yet',
  align: 'alignment (src/core/align) is not in this build yet',
  recognize: 'recognition (src/core/align) is not in this build yet',
}

/** Open the library and build the service the transports (Electron main, HTTP server) share. */
export async function createAppService(opts: AppServiceOptions): Promise<ChordWarpService> {
  mkdirSync(dirname(opts.dbPath), { recursive: true })
  const library: LibraryPort | null = null
  const missing: Record<string, string> = {}
  if (!library) missing.store = MISSING.store!
  for (const k of ['chroma', 'align', 'recognize'] as const) if (!TASKS_AVAILABLE[k]) missing[k] = MISSING[k]!
  return new ChordWarpService({
    dbPath: opts.dbPath,
    library,
    tasks: TASKS_AVAILABLE,
    missing,
    jobs: { workerUrl: opts.workerUrl },
    transport: opts.transport,
    openDialog: opts.openDialog,
    restrictImportsToDialogs: opts.restrictImportsToDialogs,
  })
}
