import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { JobRunner } from '../../../src/backend/service/jobs'
import { ApiError, type ApiEvents } from '../../../src/core/api'
import { REPO_ROOT } from '../../helpers/corpus'

const workerUrl = pathToFileURL(join(REPO_ROOT, 'tests/fixtures/workers/test-tasks.worker.mjs'))

type Ev = { [K in keyof ApiEvents]: { name: K; args: ApiEvents[K] } }[keyof ApiEvents]

function record(r: JobRunner): Ev[] {
  const out: Ev[] = []
  r.on('job-progress', (p) => out.push({ name: 'job-progress', args: [p] }))
  r.on('job-done', (p) => out.push({ name: 'job-done', args: [p] }))
  r.on('job-failed', (p) => out.push({ name: 'job-failed', args: [p] }))
  r.on('job-cancelled', (p) => out.push({ name: 'job-cancelled', args: [p] }))
  return out
}

function until(r: JobRunner, jobId: string): Promise<string> {
  return new Promise((resolve) => {
    r.on('job-done', (d) => d.jobId === jobId && resolve('done'))
    r.on('job-failed', (d) => d.jobId === jobId && resolve('failed'))
    r.on('job-cancelled', (d) => d.jobId === jobId && resolve('cancelled'))
  })
}

describe('JobRunner', () => {
  let runner: JobRunner
  afterEach(async () => runner?.close())

  it('answers an id before any event, streams progress, keeps the result', async () => {
    runner = new JobRunner({ workerUrl, progressIntervalMs: 0 })
    const events = record(runner)
    const ref = runner.start('chroma', (ctx) => ctx.inWorker('count', { n: 4 }))
    expect(events).toEqual([])
    expect(runner.status(ref.jobId).state).toBe('running')
    expect(await until(runner, ref.jobId)).toBe('done')
    const fractions = events.filter((e) => e.name === 'job-progress').map((e) => e.args[0].fraction)
    expect(fractions).toEqual([0.25, 0.5, 0.75, 1])
    const done = events.at(-1)!
    expect(done.name).toBe('job-done')
    expect(done.args[0]).toEqual({ jobId: ref.jobId, kind: 'chroma', result: { sum: 10 } })
    expect(runner.status(ref.jobId)).toMatchObject({
      state: 'done',
      fraction: 1,
      result: { sum: 10 },
      error: null,
    })
  })

  it('reports a task error with its code and message', async () => {
    runner = new JobRunner({ workerUrl })
    const events = record(runner)
    const ref = runner.start('align', (ctx) => ctx.inWorker('fail', {}))
    expect(await until(runner, ref.jobId)).toBe('failed')
    expect(events.at(-1)!.args[0]).toEqual({
      jobId: ref.jobId,
      kind: 'align',
      error: { code: 'bad-request', message: 'the input was wrong' },
    })
  })

  it('reports a crashed worker as an internal error', async () => {
    runner = new JobRunner({ workerUrl })
    const ref = runner.start('align', (ctx) => ctx.inWorker('crash', {}))
    expect(await until(runner, ref.jobId)).toBe('failed')
    expect(runner.status(ref.jobId).error).toEqual({
      code: 'internal',
      message: 'worker task "crash" exited with code 3',
    })
  })

  it('cancels a hanging worker at once and says so', async () => {
    runner = new JobRunner({ workerUrl })
    const ref = runner.start('chroma', (ctx) => ctx.inWorker('hang', {}))
    await new Promise<void>((r) => runner.on('job-progress', () => r()))
    const t0 = Date.now()
    expect(runner.cancel(ref.jobId)).toBe(true)
    expect(await until(runner, ref.jobId)).toBe('cancelled')
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(runner.status(ref.jobId).state).toBe('cancelled')
    expect(runner.cancel(ref.jobId)).toBe(false)
  })

  it('cancels in-process jobs through their signal', async () => {
    runner = new JobRunner({ workerUrl: null })
    const ref = runner.start('import', async (ctx) => {
      while (true) {
        await new Promise((r) => setTimeout(r, 5))
        ctx.throwIfCancelled()
      }
    })
    setTimeout(() => runner.cancel(ref.jobId), 30)
    expect(await until(runner, ref.jobId)).toBe('cancelled')
  })

  it('limits concurrent workers and queues the rest', async () => {
    runner = new JobRunner({ workerUrl, maxWorkers: 1 })
    const a = runner.start('chroma', (ctx) => ctx.inWorker('hang', {}))
    const b = runner.start('chroma', (ctx) => ctx.inWorker('count', { n: 1 }))
    await new Promise((r) => setTimeout(r, 300))
    expect(runner.status(b.jobId).state).toBe('running')
    expect(runner.status(b.jobId).stage).toBe('queued')
    runner.cancel(a.jobId)
    expect(await until(runner, b.jobId)).toBe('done')
  })

  it('cancels a job still waiting for a worker slot', async () => {
    runner = new JobRunner({ workerUrl, maxWorkers: 1 })
    const a = runner.start('chroma', (ctx) => ctx.inWorker('hang', {}))
    const b = runner.start('chroma', (ctx) => ctx.inWorker('count', { n: 1 }))
    await new Promise((r) => setTimeout(r, 100))
    runner.cancel(b.jobId)
    expect(await until(runner, b.jobId)).toBe('cancelled')
    expect(runner.status(a.jobId).state).toBe('running')
  })

  it('says not-found for unknown jobs and unavailable without a worker script', async () => {
    runner = new JobRunner({ workerUrl: null })
    expect(() => runner.status('job-x')).toThrowError(ApiError)
    const ref = runner.start('chroma', (ctx) => ctx.inWorker('count', { n: 1 }))
    expect(await until(runner, ref.jobId)).toBe('failed')
    expect(runner.status(ref.jobId).error?.code).toBe('unavailable')
  })
})
