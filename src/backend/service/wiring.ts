/**
 * Wires the service to the backend rooms that exist in this build. A capability whose module has
 * not landed is reported as missing with the reason (getInfo → `missing`), and its methods answer
 * `unavailable`; nothing is faked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerInfo } from '../../core/api'
import { resolveChromaOptions } from '../../core/features'
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile } from '../../core/model'
import { openStore } from '../store'
import { startTrainingJob } from '../training/job'
import type { TaskAvailability, TrainingPort } from './ports'
import { ChordWarpService, type ServiceOptions } from './service'
import { StoreLibrary } from './store-library'
import { StoreTraining } from './store-training'

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
  /** Folder with the shipped `models/` (Default value = the `resources` folder found above this module). */
  resourcesDir?: string | null
}

/** Which worker tasks this build has (they must exist in tasks.ts). */
export const TASKS_AVAILABLE: TaskAvailability = {
  chroma: true,
  peaks: true,
  align: true,
  recognize: true,
  training: true,
}

const MISSING: Record<string, string> = {
  chroma: 'chroma of audio files (src/backend/features) is not in this build yet',
  peaks: 'waveform peaks (src/backend/service/peaks.ts) are not in this build yet',
  align: 'alignment (src/core/align) is not in this build yet',
  recognize: 'recognition (src/core/align) is not in this build yet',
  training: 'training and chord models (src/backend/training) are not in this build yet',
}

/** The training worker script, next to the job worker script. */
export const TRAIN_WORKER_FILE = 'backend_training_train.worker.js'

/** The `resources` folder of the app: the first one found walking up from `start`. */
export function findResourcesDir(start = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = start
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'resources', 'models'))) return join(dir, 'resources')
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return null
}

/**
 * The shipped default model: `<resources>/models/dchord-default.json`, else the first model file
 * there; null when there is none.
 */
export function shippedModel(resourcesDir: string | null): { path: string; file: ModelFile } | null {
  if (!resourcesDir) return null
  const dir = join(resourcesDir, 'models')
  if (!existsSync(dir)) return null
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'))
  names.sort((a, b) =>
    a === 'dchord-default.json' ? -1 : b === 'dchord-default.json' ? 1 : a.localeCompare(b),
  )
  for (const n of names) {
    try {
      const file = JSON.parse(readFileSync(join(dir, n), 'utf8')) as ModelFile
      if (file.format === MODEL_FORMAT && file.version === MODEL_VERSION && file.config && file.weights)
        return { path: join(dir, n), file }
    } catch {
      // not a model file: try the next one
    }
  }
  return null
}

/**
 * A library without any model gets the shipped default model, made active, so that "align with the
 * model" works before the user trains one. Returns the seeded model's id, or null.
 */
export function seedDefaultModel(training: TrainingPort, resourcesDir: string | null): string | null {
  if (training.listModels().length > 0) return null
  const shipped = shippedModel(resourcesDir)
  if (!shipped) return null
  const m = training.saveModel(
    { ...shipped.file, name: shipped.file.name ?? 'dChord default' },
    {
      active: true,
      metrics: { builtIn: true, corpus: shipped.file.corpus?.source ?? 'shipped with ChordWarp' },
    },
  )
  return m.id
}

/** The chroma the app computes, caches and aligns on: the `align` pipeline with its defaults. */
export const APP_CHROMA_OPTIONS = resolveChromaOptions({ pipeline: 'align' })

/** Open the library and build the service the transports (Electron main, HTTP server) share. */
export async function createAppService(opts: AppServiceOptions): Promise<ChordWarpService> {
  const store = openStore(opts.dbPath, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {})
  const library = new StoreLibrary(store, { ...APP_CHROMA_OPTIONS })
  const training = new StoreTraining(store)
  if (!store.readonly)
    seedDefaultModel(training, opts.resourcesDir === undefined ? findResourcesDir() : opts.resourcesDir)
  const missing: Record<string, string> = {}
  for (const k of ['chroma', 'peaks', 'align', 'recognize', 'training'] as const)
    if (!TASKS_AVAILABLE[k]) missing[k] = MISSING[k]!
  const trainWorker = opts.workerUrl ? fileURLToPath(new URL(TRAIN_WORKER_FILE, opts.workerUrl)) : null
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
    training,
    trainer: trainWorker ? (request) => startTrainingJob(request, trainWorker) : null,
  })
}
