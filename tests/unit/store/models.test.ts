/** store.models: weights as JSON, config, corpus fingerprint, metrics; exactly one active. */
import { expect, test } from 'vitest'
import { useFreshStore } from '../../helpers/store'

const ctx = useFreshStore()

const weights = {
  eta: 12.5,
  templates: { maj: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0], min: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0] },
}

test('save, get with weights, list without, newest first', () => {
  const s = ctx.store
  const a = s.models.save({
    name: 'dchord default',
    kind: 'dchord',
    weights,
    config: { loss: 'sdtw', gamma: 0.1 },
    corpusFingerprint: 'abc123',
    metrics: { majminF: 0.81, epochs: 40 },
  })
  expect(a).toMatchObject({
    name: 'dchord default',
    kind: 'dchord',
    active: false,
    corpusFingerprint: 'abc123',
  })
  expect(a).not.toHaveProperty('weights')
  const m = s.models.get(a.id)
  expect(m.weights).toEqual(weights)
  expect(m.config).toEqual({ loss: 'sdtw', gamma: 0.1 })
  expect(m.metrics).toEqual({ majminF: 0.81, epochs: 40 })
  const b = s.models.save({ name: 'retrained', kind: 'dchord', weights: [1, 2, 3] })
  expect(s.models.list().map((x) => x.id)).toEqual([b.id, a.id])
  expect(s.models.get(b.id).weights).toEqual([1, 2, 3])
})

test('setActive keeps exactly one active model; getActive returns it with weights', () => {
  const s = ctx.store
  expect(s.models.getActive()).toBeNull()
  const a = s.models.save({ name: 'a', kind: 'dchord', weights, active: true })
  expect(s.models.getActive()!.id).toBe(a.id)
  const b = s.models.save({ name: 'b', kind: 'dchord', weights: { eta: 1 } })
  s.models.setActive(b.id)
  expect(s.models.getActive()!.weights).toEqual({ eta: 1 })
  expect(
    s.models
      .list()
      .filter((x) => x.active)
      .map((x) => x.id),
  ).toEqual([b.id])
  s.models.setActive(null)
  expect(s.models.getActive()).toBeNull()
  // the schema itself refuses a second active model
  s.models.setActive(a.id)
  expect(() => s.db.prepare('UPDATE models SET active = 1 WHERE id = ?').run(b.id)).toThrow(/UNIQUE/)
})

test('bad input and unknown ids', () => {
  const s = ctx.store
  expect(() => s.models.save({ name: '', kind: 'dchord', weights })).toThrow(/name/)
  expect(() => s.models.save({ name: 'x', kind: '', weights })).toThrow(/kind/)
  expect(() => s.models.save({ name: 'x', kind: 'k', weights: undefined })).toThrow(/weights/)
  const cyc: Record<string, unknown> = {}
  cyc.self = cyc
  expect(() => s.models.save({ name: 'x', kind: 'k', weights: cyc })).toThrow(/JSON-serialisable/)
  expect(() => s.models.get(3)).toThrow(/no model 3/)
  expect(() => s.models.setActive(3)).toThrow(/no model 3/)
  expect(s.models.list()).toEqual([])
})

test('rename and remove: a run that made the model keeps its row, without the model', () => {
  const s = ctx.store
  const run = s.runs.create({ config: { lr: 0.1 } })
  const a = s.models.save({ name: 'first try', kind: 'dchord', weights, runId: run.id, active: true })
  s.runs.finish(run.id, 'done', { modelId: a.id })
  expect(s.models.rename(a.id, '  Beatles, sdtw 16  ')).toMatchObject({ id: a.id, name: 'Beatles, sdtw 16' })
  expect(s.models.get(a.id).weights).toEqual(weights) // only the name changed
  expect(() => s.models.rename(a.id, ' ')).toThrow(/a model needs a name/)
  expect(() => s.models.rename(999, 'x')).toThrow(/model 999/)
  expect(s.models.remove(a.id)).toBe(true)
  expect(s.models.remove(a.id)).toBe(false)
  expect(s.models.list()).toEqual([])
  expect(s.models.getActive()).toBeNull()
  expect(s.runs.get(run.id)).toMatchObject({ id: run.id, status: 'done', modelId: null })
})
