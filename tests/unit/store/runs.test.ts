/** store.runs: training runs with config, status and the loss curve. */
import { expect, test } from 'vitest'
import { useFreshStore } from '../../helpers/store'

const ctx = useFreshStore()

test('create → appendLoss per epoch → finish done with its model', () => {
  const s = ctx.store
  const run = s.runs.create({ config: { lr: 0.1, batch: 5 }, corpusFingerprint: 'fp', note: 'baseline' })
  expect(run).toMatchObject({
    status: 'running',
    config: { lr: 0.1, batch: 5 },
    finishedAt: null,
    note: 'baseline',
  })
  s.runs.appendLoss(run.id, { epoch: 0, trainLoss: 2.5, valLoss: 2.7, ms: 812 })
  s.runs.appendLoss(run.id, { epoch: 1, trainLoss: 1.25, valLoss: null, ms: 790, extra: { gamma: 0.5 } })
  const model = s.models.save({ name: 'm', kind: 'dchord', weights: [0], runId: run.id })
  const done = s.runs.finish(run.id, 'done', { modelId: model.id })
  expect(done.status).toBe('done')
  expect(done.modelId).toBe(model.id)
  expect(done.finishedAt).not.toBeNull()
  expect(done.epochs).toEqual([
    { epoch: 0, trainLoss: 2.5, valLoss: 2.7, ms: 812 },
    { epoch: 1, trainLoss: 1.25, valLoss: null, ms: 790, extra: { gamma: 0.5 } },
  ])
  expect(s.models.info(model.id).runId).toBe(run.id)
})

test('update, failure with an error text, list newest first', () => {
  const s = ctx.store
  const a = s.runs.create({ config: { lr: 0.1 } })
  const b = s.runs.create({ config: {} })
  expect(s.runs.update(a.id, { note: 'lr sweep', config: { lr: 0.05 } })).toMatchObject({
    note: 'lr sweep',
    config: { lr: 0.05 },
  })
  const f = s.runs.finish(b.id, 'failed', { error: 'NaN loss at epoch 3' })
  expect(f).toMatchObject({ status: 'failed', error: 'NaN loss at epoch 3' })
  expect(s.runs.list().map((r) => r.id)).toEqual([b.id, a.id])
  expect(s.runs.finish(a.id, 'cancelled').status).toBe('cancelled')
})

test('a finished run takes no epochs; duplicate epochs and unknown ids are refused', () => {
  const s = ctx.store
  const r = s.runs.create({ config: {} })
  s.runs.appendLoss(r.id, { epoch: 0, trainLoss: 1 })
  expect(() => s.runs.appendLoss(r.id, { epoch: 0, trainLoss: 2 })).toThrow(/already has epoch 0/)
  expect(() => s.runs.appendLoss(r.id, { epoch: 1.5, trainLoss: 2 })).toThrow(/epoch must be/)
  expect(() => s.runs.finish(r.id, 'done', { modelId: 77 })).toThrow(/no model 77/)
  s.runs.finish(r.id, 'done')
  expect(() => s.runs.appendLoss(r.id, { epoch: 1, trainLoss: 1 })).toThrow(/is done/)
  expect(() => s.runs.finish(r.id, 'failed')).toThrow(/already done/)
  expect(() => s.runs.finish(r.id, 'running' as 'done')).toThrow(/done, failed or cancelled/)
  expect(() => s.runs.get(42)).toThrow(/no training run 42/)
  expect(s.runs.get(r.id).epochs).toHaveLength(1)
})
