/**
 * Runs API jobs from the renderer: starts one, streams its progress into `active` (for the progress
 * bar), resolves with its result or rejects with its error. Events that arrive before the call's
 * answer are buffered; after a reconnection every waiting job is polled with getJob, so a lost
 * event never leaves the UI waiting.
 */
import { ApiError, type ChordWarpApi, type JobKind, type JobRef } from '../../../core/api/client'

export interface ActiveJob {
  jobId: string
  kind: JobKind
  /** What the user asked for, in words (`Aligning 42 chords`). */
  label: string
  stage: string
  /** [0, 1] or null when unknown. */
  fraction: number | null
}

type Final = { type: 'done'; result: unknown } | { type: 'failed'; error: ApiError } | { type: 'cancelled' }

interface Waiter {
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
}

export class JobClient {
  /** Jobs running now, in start order. */
  active = $state.raw<ActiveJob[]>([])
  #api: ChordWarpApi
  #waiters = new Map<string, Waiter>()
  #early = new Map<string, Final>()

  constructor(api: ChordWarpApi) {
    this.#api = api
    api.on('job-progress', (p) => {
      this.active = this.active.map((j) =>
        j.jobId === p.jobId ? { ...j, stage: p.stage, fraction: p.fraction } : j,
      )
    })
    api.on('job-done', (d) => this.#settle(d.jobId, { type: 'done', result: d.result }))
    api.on('job-failed', (f) =>
      this.#settle(f.jobId, {
        type: 'failed',
        error: new ApiError(f.error.code as ApiError['code'], f.error.message),
      }),
    )
    api.on('job-cancelled', (c) => this.#settle(c.jobId, { type: 'cancelled' }))
    api.on('connection', (c) => {
      if (c.connected) void this.#pollAll()
    })
  }

  /** Start a job with `start` and wait for its result. */
  async run<T>(label: string, start: () => Promise<JobRef>): Promise<T> {
    const ref = await start()
    this.active = [
      ...this.active,
      { jobId: ref.jobId, kind: ref.kind, label, stage: 'starting', fraction: null },
    ]
    const result = new Promise<unknown>((resolve, reject) =>
      this.#waiters.set(ref.jobId, { resolve, reject }),
    )
    const early = this.#early.get(ref.jobId)
    if (early) {
      this.#early.delete(ref.jobId)
      this.#settle(ref.jobId, early)
    }
    return result as Promise<T>
  }

  /** Ask the backend to cancel; the job's promise then rejects with code `cancelled`. */
  async cancel(jobId: string): Promise<void> {
    await this.#api.cancelJob({ jobId })
  }

  #settle(jobId: string, final: Final): void {
    const w = this.#waiters.get(jobId)
    if (!w) {
      this.#early.set(jobId, final)
      return
    }
    this.#waiters.delete(jobId)
    this.active = this.active.filter((j) => j.jobId !== jobId)
    if (final.type === 'done') w.resolve(final.result)
    else if (final.type === 'failed') w.reject(final.error)
    else w.reject(new ApiError('cancelled', 'cancelled'))
  }

  async #pollAll(): Promise<void> {
    for (const jobId of [...this.#waiters.keys()]) {
      try {
        const s = await this.#api.getJob({ jobId })
        if (s.state === 'done') this.#settle(jobId, { type: 'done', result: s.result })
        else if (s.state === 'failed')
          this.#settle(jobId, {
            type: 'failed',
            error: new ApiError(
              (s.error?.code ?? 'internal') as ApiError['code'],
              s.error?.message ?? 'failed',
            ),
          })
        else if (s.state === 'cancelled') this.#settle(jobId, { type: 'cancelled' })
      } catch (e) {
        this.#settle(jobId, {
          type: 'failed',
          error: e instanceof ApiError ? e : new ApiError('internal', String(e)),
        })
      }
    }
  }
}
