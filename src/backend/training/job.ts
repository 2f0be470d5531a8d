/**
 * Training as a background job on a worker thread: typed events `{epoch, trainLoss, valLoss, ms}` per
 * epoch, cancellable, resolving to the trained model file and its held-out scores.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { EpochReport } from '../../core/model'
import type { TfBackendReport } from '../tf-backend'
import type { SessionEvent, TrainingOutcome, TrainingRequest } from './session'

/** Messages from the worker. */
export type WorkerMessage =
  | { type: 'event'; event: SessionEvent }
  | { type: 'done'; outcome: TrainingOutcome }
  | { type: 'error'; message: string; userError: boolean }

/** Events of a training job, by name (STYLE.md §1). */
export type TrainJobEvents = {
  backend: [report: TfBackendReport]
  features: [done: number, total: number, id: string]
  epoch: [report: EpochReport]
  done: [outcome: TrainingOutcome]
  error: [message: string]
}

/** A running job. */
export interface TrainingJob {
  /** Subscribe; returns the unsubscribe function. */
  on<K extends keyof TrainJobEvents>(event: K, fn: (...args: TrainJobEvents[K]) => void): () => void
  /** Ask the job to stop after the current batch; it resolves with the best model so far. */
  cancel(): void
  /** The outcome (rejects on error, or when cancelled before training started). */
  readonly result: Promise<TrainingOutcome>
}

/** An error from the worker, keeping whether it is the user's mistake. */
export class TrainingJobError extends Error {
  override name = 'TrainingJobError'
  constructor(
    message: string,
    readonly userError: boolean,
  ) {
    super(message)
  }
}

const WORKER_FILE = 'backend_training_train.worker.js'

/** Path of the bundled worker (next to the CLI bundle, or under out/node when run from sources). */
export function trainingWorkerPath(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const p of [join(here, WORKER_FILE), resolve(here, '../../../out/node', WORKER_FILE)])
    if (existsSync(p)) return p
  throw new Error(`the training worker ${WORKER_FILE} is not built (run: node scripts/build-node.mjs)`)
}

/**
 * Start a training job on a worker thread.
 * @param request what to train (plain data)
 * @param workerPath override of the worker script (tests)
 */
export function startTrainingJob(request: TrainingRequest, workerPath = trainingWorkerPath()): TrainingJob {
  const cancel = new SharedArrayBuffer(4)
  const flag = new Int32Array(cancel)
  // biome-ignore lint/suspicious/noExplicitAny: one listener table for all event signatures
  type Listener = (...a: any[]) => void
  const listeners = new Map<keyof TrainJobEvents, Set<Listener>>()
  const emit = <K extends keyof TrainJobEvents>(k: K, ...args: TrainJobEvents[K]) => {
    for (const fn of listeners.get(k) ?? []) fn(...args)
  }
  const worker = new Worker(workerPath, { workerData: { request, cancel } })
  const result = new Promise<TrainingOutcome>((resolvePromise, reject) => {
    let settled = false
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'event') {
        const e = m.event
        if (e.type === 'backend') emit('backend', e.report)
        else if (e.type === 'features') emit('features', e.done, e.total, e.id)
        else emit('epoch', e.report)
      } else if (m.type === 'done') {
        settled = true
        emit('done', m.outcome)
        resolvePromise(m.outcome)
        void worker.terminate()
      } else {
        settled = true
        emit('error', m.message)
        reject(new TrainingJobError(m.message, m.userError))
        void worker.terminate()
      }
    })
    worker.on('error', (e) => {
      if (settled) return
      settled = true
      emit('error', e.message)
      reject(new TrainingJobError(e.message, false))
    })
    worker.on('exit', (code) => {
      if (settled) return
      settled = true
      const msg = `the training worker exited (code ${code}) before finishing`
      emit('error', msg)
      reject(new TrainingJobError(msg, false))
    })
  })
  result.catch(() => undefined) // callers handle it; avoid an unhandled rejection when nobody awaits
  return {
    on(event, fn) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(fn as Listener)
      return () => set!.delete(fn as Listener)
    },
    cancel() {
      Atomics.store(flag, 0, 1)
    },
    result,
  }
}
