import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startTrainingJob, TrainingJobError } from '../../../src/backend/training/job'
import type { EpochReport } from '../../../src/core/model'
import { modelFromFile } from '../../../src/core/model'
import { REPO_ROOT } from '../../helpers/corpus'
import { syntheticRecording } from '../model/synthetic'

const built = existsSync(join(REPO_ROOT, 'out/node/backend_training_train.worker.js'))
const recordings = [
  { ...syntheticRecording('a', 1), split: 'train' as const },
  { ...syntheticRecording('b', 2), split: 'train' as const },
  { ...syntheticRecording('c', 3), split: 'val' as const },
  { ...syntheticRecording('d', 4), split: 'test' as const },
]

describe.skipIf(!built)('training job on a worker thread (needs node scripts/build-node.mjs)', () => {
  it('streams {epoch, trainLoss, valLoss, ms} and resolves to a model file with held-out scores', async () => {
    const job = startTrainingJob({
      data: { recordings, fingerprint: 'test' },
      targets: 'lab',
      segment: { length: 60 },
      options: { loss: 'bce', epochs: 4, model: { init: 'random' } },
      backend: 'wasm',
    })
    const epochs: EpochReport[] = []
    let backend = ''
    job.on('backend', (r) => {
      backend = r.candidate
    })
    job.on('epoch', (e) => epochs.push(e))
    const out = await job.result
    expect(backend).toBe('wasm')
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4])
    for (const e of epochs) {
      expect(typeof e.trainLoss).toBe('number')
      expect(typeof e.valLoss).toBe('number')
      expect(e.ms).toBeGreaterThanOrEqual(0)
    }
    expect(out.cancelled).toBe(false)
    expect(out.metrics.counts.testSongs).toBe(1)
    expect(out.metrics.testSongs!.pooled.f).toBeGreaterThan(0)
    expect(out.file.corpus!.fingerprint).toBe('test')
    expect(out.file.training!.backend).toBe('wasm')
    const { model } = modelFromFile(JSON.parse(JSON.stringify(out.file)))
    expect(model.paramCount()).toBe(25)
    model.dispose()
  })

  it('cancels between batches and returns the best model so far', async () => {
    const job = startTrainingJob({
      data: { recordings },
      targets: 'lab',
      segment: { length: 60 },
      options: { loss: 'bce', epochs: 10_000, batchSize: 1 },
      backend: 'wasm',
    })
    let seen = 0
    job.on('epoch', () => {
      seen++
      job.cancel()
    })
    const out = await job.result
    expect(out.cancelled).toBe(true)
    expect(out.epochsRun).toBeLessThanOrEqual(2)
    expect(seen).toBe(out.epochsRun)
    expect(out.bestEpoch).toBeGreaterThanOrEqual(1)
  })

  it('rejects with the worker’s message', async () => {
    const job = startTrainingJob({
      data: { recordings },
      targets: 'lab',
      segment: {},
      options: { loss: 'bce', batchSize: 0 },
      backend: 'wasm',
    })
    const messages: string[] = []
    job.on('error', (m) => messages.push(m))
    await expect(job.result).rejects.toBeInstanceOf(TrainingJobError)
    await expect(job.result).rejects.toThrow(/batchSize must be an integer/)
    expect(messages).toHaveLength(1)
  })
})
