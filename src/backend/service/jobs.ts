/**
 * Job runner: long work (decode, chroma, alignment, import) runs as a job with an id, streams progress
 * events, can be cancelled, and keeps its result for a while so a client that missed the event can
 * ask `getJob`. Heavy steps run in `worker_threads` (`ctx.inWorker`), so the main process (Electron
 * main or the HTTP server) stays responsive; cancelling terminates the worker at once.
 */
import { randomBytes } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import {
  ApiError,
  type ApiEvents,
  Emitter,
  type ErrorDto,
  type JobKind,
  type JobStatus,
} from '../../core/api'

/** What a job function gets. */
export interface JobContext {
  readonly jobId: string
  /** Aborted when the user cancels; long loops check `signal.aborted` or call `throwIfCancelled`. */
  readonly signal: AbortSignal
  /** Report progress: `stage` in words, `fraction` in [0, 1] or null when unknown. */
  progress(stage: string, fraction: number | null): void
  /** Throws the cancellation error when the job was cancelled. */
  throwIfCancelled(): void
  /**
   * Run a task of the worker script in a fresh worker thread; progress messages of the worker
   * become this job's progress. Resolves with the task's result; rejects with its error, or with
   * the cancellation error (after terminating the worker) when the job is cancelled.
   */
  inWorker<T>(task: string, input: unknown, transfer?: ArrayBuffer[]): Promise<T>
}

export interface JobRunnerOptions {
  /** The worker script (`out/node/backend_service_tasks.worker.js`); null: no worker tasks. */
  workerUrl: URL | null
  /** Worker threads running at once; further `inWorker` calls wait [count] (Default value = 2). */
  maxWorkers: number
  /** How long a finished job stays queryable [ms] (Default value = 600000). */
  keepMs: number
  /** Minimum interval between two progress events of one job [ms] (Default value = 100). */
  progressIntervalMs: number
}

export const defaultJobRunnerOptions: JobRunnerOptions = {
  workerUrl: null,
  maxWorkers: 2,
  keepMs: 600_000,
  progressIntervalMs: 100,
}

/** Messages a worker task posts (see tasks.worker.ts). */
export type WorkerMessage =
  | { type: 'progress'; stage: string; fraction: number | null }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: ErrorDto }

interface JobRecord {
  status: JobStatus
  controller: AbortController
  finishedAt: number | null
  lastProgressAt: number
}

type JobEvents = Pick<ApiEvents, 'job-progress' | 'job-done' | 'job-failed' | 'job-cancelled'>

const cancelledError = () => new ApiError('cancelled', 'the job was cancelled')

/** Turn anything thrown into the one-line wire error. */
export function toErrorDto(e: unknown): ErrorDto {
  if (e instanceof ApiError) return { code: e.code, message: e.message }
  const err = e as { userError?: boolean; message?: string; code?: string; name?: string }
  if (err?.userError || err?.name === 'ChordSyntaxError')
    return { code: 'bad-request', message: err.message ?? String(e) }
  if (err?.code === 'ENOENT') return { code: 'not-found', message: err.message ?? String(e) }
  return { code: 'internal', message: err?.message ?? String(e) }
}

export class JobRunner extends Emitter<JobEvents> {
  readonly options: JobRunnerOptions
  #jobs = new Map<string, JobRecord>()
  #counter = 0
  #running = 0
  #waiting: (() => void)[] = []
  #workers = new Set<Worker>()

  constructor(options: Partial<JobRunnerOptions> = {}) {
    super()
    this.options = Object.assign({}, defaultJobRunnerOptions, options)
  }

  /** Start `fn` as a job; answers at once with the job id. */
  start(kind: JobKind, fn: (ctx: JobContext) => Promise<unknown>): { jobId: string; kind: JobKind } {
    this.#sweep()
    const jobId = `job-${++this.#counter}-${randomBytes(4).toString('hex')}`
    const controller = new AbortController()
    const rec: JobRecord = {
      status: { jobId, kind, state: 'running', stage: 'queued', fraction: null, error: null },
      controller,
      finishedAt: null,
      lastProgressAt: 0,
    }
    this.#jobs.set(jobId, rec)
    const ctx = this.#context(rec)
    // Run on the next tick so the caller has the id before any event can fire.
    setImmediate(() => {
      Promise.resolve()
        .then(() => fn(ctx))
        .then(
          (result) => this.#finish(rec, 'done', result, null),
          (e) =>
            controller.signal.aborted
              ? this.#finish(rec, 'cancelled', undefined, null)
              : this.#finish(rec, 'failed', undefined, toErrorDto(e)),
        )
    })
    return { jobId, kind }
  }

  /** Status of a job; throws not-found for an unknown or expired id. */
  status(jobId: string): JobStatus {
    const rec = this.#jobs.get(jobId)
    if (!rec) throw new ApiError('not-found', `no job "${jobId}" (finished jobs are kept for a few minutes)`)
    return { ...rec.status }
  }

  /** Cancel a running job; false when it had already ended. */
  cancel(jobId: string): boolean {
    const rec = this.#jobs.get(jobId)
    if (!rec) throw new ApiError('not-found', `no job "${jobId}"`)
    if (rec.status.state !== 'running') return false
    rec.controller.abort()
    return true
  }

  /**
   * Run a worker task outside of any job (for a call that needs a worker, e.g. reading a model's
   * templates): no events, not cancellable, counted against `maxWorkers` like job tasks.
   */
  runTask<T>(task: string, input: unknown): Promise<T> {
    const rec: JobRecord = {
      status: { jobId: 'call', kind: 'insight', state: 'done', stage: '', fraction: null, error: null },
      controller: new AbortController(),
      finishedAt: null,
      lastProgressAt: 0,
    }
    return this.#inWorker<T>(rec, task, input)
  }

  /** Jobs still running. */
  get runningCount(): number {
    let n = 0
    for (const r of this.#jobs.values()) if (r.status.state === 'running') n++
    return n
  }

  /** Cancel everything and terminate the workers (on shutdown). */
  async close(): Promise<void> {
    for (const r of this.#jobs.values()) if (r.status.state === 'running') r.controller.abort()
    await Promise.all([...this.#workers].map((w) => w.terminate()))
  }

  #context(rec: JobRecord): JobContext {
    const { signal } = rec.controller
    return {
      jobId: rec.status.jobId,
      signal,
      progress: (stage, fraction) => this.#progress(rec, stage, fraction),
      throwIfCancelled: () => {
        if (signal.aborted) throw cancelledError()
      },
      inWorker: <T>(task: string, input: unknown, transfer?: ArrayBuffer[]) =>
        this.#inWorker<T>(rec, task, input, transfer),
    }
  }

  #progress(rec: JobRecord, stage: string, fraction: number | null): void {
    if (rec.status.state !== 'running') return
    const f = fraction === null ? null : Math.min(1, Math.max(0, fraction))
    const changedStage = stage !== rec.status.stage
    rec.status.stage = stage
    rec.status.fraction = f
    const now = Date.now()
    if (!changedStage && f !== 1 && now - rec.lastProgressAt < this.options.progressIntervalMs) return
    rec.lastProgressAt = now
    this.emit('job-progress', { jobId: rec.status.jobId, kind: rec.status.kind, stage, fraction: f })
  }

  #finish(rec: JobRecord, state: 'done' | 'failed' | 'cancelled', result: unknown, error: ErrorDto | null) {
    if (rec.status.state !== 'running') return
    rec.status.state = state
    rec.status.error = error
    rec.finishedAt = Date.now()
    const { jobId, kind } = rec.status
    if (state === 'done') {
      rec.status.result = result
      rec.status.fraction = 1
      rec.status.stage = 'done'
      this.emit('job-done', { jobId, kind, result })
    } else if (state === 'failed') {
      rec.status.stage = 'failed'
      this.emit('job-failed', { jobId, kind, error: error! })
    } else {
      rec.status.stage = 'cancelled'
      this.emit('job-cancelled', { jobId, kind })
    }
  }

  async #slot(signal: AbortSignal): Promise<void> {
    while (this.#running >= this.options.maxWorkers) {
      // wake on a free slot or on cancellation, whichever comes first
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake)
          this.#waiting = this.#waiting.filter((w) => w !== wake)
          resolve()
        }
        this.#waiting.push(wake)
        signal.addEventListener('abort', wake)
      })
      if (signal.aborted) throw cancelledError()
    }
    this.#running++
  }

  #release(): void {
    this.#running--
    this.#waiting[0]?.()
  }

  async #inWorker<T>(rec: JobRecord, task: string, input: unknown, transfer?: ArrayBuffer[]): Promise<T> {
    const url = this.options.workerUrl
    if (!url) throw new ApiError('unavailable', `worker tasks are not available here (task "${task}")`)
    const { signal } = rec.controller
    if (signal.aborted) throw cancelledError()
    await this.#slot(signal)
    try {
      return await new Promise<T>((resolve, reject) => {
        const worker = new Worker(url, { workerData: { task, input }, transferList: transfer })
        this.#workers.add(worker)
        let settled = false
        const settle = (fn: () => void) => {
          if (settled) return
          settled = true
          signal.removeEventListener('abort', onAbort)
          this.#workers.delete(worker)
          fn()
        }
        const onAbort = () => {
          settle(() => reject(cancelledError()))
          void worker.terminate()
        }
        signal.addEventListener('abort', onAbort)
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'progress') this.#progress(rec, m.stage, m.fraction)
          else if (m.type === 'done') {
            settle(() => resolve(m.result as T))
            void worker.terminate()
          } else if (m.type === 'error') {
            settle(() => reject(new ApiError(m.error.code as ApiError['code'], m.error.message)))
            void worker.terminate()
          }
        })
        worker.on('error', (e) => settle(() => reject(e)))
        worker.on('exit', (code) =>
          settle(() => reject(new ApiError('internal', `worker task "${task}" exited with code ${code}`))),
        )
      })
    } finally {
      this.#release()
    }
  }

  #sweep(): void {
    const now = Date.now()
    for (const [id, r] of this.#jobs)
      if (r.finishedAt !== null && now - r.finishedAt > this.options.keepMs) this.#jobs.delete(id)
  }
}
