import { beforeAll, describe, expect, it } from 'vitest'
import { selectTfBackend } from '../../../src/backend/tf-backend'
import {
  createModel,
  cutSegments,
  type EpochReport,
  evaluateItems,
  evaluateLoss,
  evaluateRecordings,
  preset,
  type TrainItem,
  train,
} from '../../../src/core/model'
import { referenceEngine } from './reference'
import { syntheticRecording } from './synthetic'

beforeAll(async () => {
  await selectTfBackend('wasm')
})

const recs = Array.from({ length: 6 }, (_, i) => syntheticRecording(`s${i}`, 100 + i))
const seg = (ids: number[]) => ids.flatMap((i) => cutSegments(recs[i]!, { length: 60 }))
const data = { train: seg([0, 1, 2, 3]), val: seg([4]) }
const test = [recs[5]!]

describe('train', () => {
  it('BCE from random templates learns the chords (held-out F well above the untrained model)', async () => {
    const untrained = createModel({ init: 'random', seed: 1 })
    const before = evaluateRecordings(untrained, test).pooled.f
    untrained.dispose()
    const r = await train(data, { loss: 'bce', epochs: 12, model: { init: 'random' }, seed: 1 })
    const after = evaluateRecordings(r.model, test).pooled.f
    expect(before).toBeLessThan(0.5)
    expect(after).toBeGreaterThan(0.9)
    expect(r.trainLoss[r.trainLoss.length - 1]!).toBeLessThan(r.trainLoss[0]!)
    r.model.dispose()
  })

  it('soft-DTW on coarse targets only (uniform 16) learns the chords from random templates', async () => {
    const r = await train(
      data,
      { loss: 'sdtw', epochs: 12, model: { init: 'random' }, seed: 1 },
      { engine: referenceEngine },
    )
    expect(evaluateRecordings(r.model, test).pooled.f).toBeGreaterThan(0.85)
    expect(r.valLoss[r.bestEpoch - 1]).toBe(Math.min(...(r.valLoss as number[])))
    r.model.dispose()
  })

  it('CTC without blank learns the chords; with a blank it learns the templates but its frames go to the blank', async () => {
    const free = await train(data, {
      loss: 'ctc',
      ctcBlank: false,
      epochs: 30,
      model: { init: 'random' },
      seed: 2,
    })
    expect(free.model.outputs).toBe(24)
    expect(free.trainLoss.at(-1)!).toBeLessThan(free.trainLoss[0]! / 5)
    expect(evaluateRecordings(free.model, test).pooled.f).toBeGreaterThan(0.9)
    free.model.dispose()
    const blank = await train(data, {
      loss: 'ctc',
      ctcBlank: true,
      epochs: 30,
      model: { init: 'random' },
      seed: 2,
    })
    expect(blank.model.outputs).toBe(25)
    expect(blank.trainLoss.at(-1)!).toBeLessThan(blank.trainLoss[0]! / 5)
    // the major template's three largest entries are root, third and fifth
    const maj = blank.model.templates()[0]!
    const top = maj
      .map((v, p) => [v, p] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map(([, p]) => p)
    expect(top.sort((a, b) => a - b)).toEqual([0, 4, 7])
    blank.model.dispose()
  })

  it('the default engine (src/core/dtw) trains like the float64 reference engine', async () => {
    const opts = { loss: 'sdtw' as const, epochs: 3, seed: 4, model: { init: 'random' as const } }
    const a = await train(data, opts)
    const b = await train(data, opts, { engine: referenceEngine })
    const wa = a.model.getWeights().templates!.values
    const wb = b.model.getWeights().templates!.values
    for (let i = 0; i < wa.length; i++)
      expect(Math.abs(wa[i]! - wb[i]!)).toBeLessThan(1e-3 * (1 + Math.abs(wb[i]!)))
    for (let e = 0; e < 3; e++) expect(a.trainLoss[e]!).toBeCloseTo(b.trainLoss[e]!, 3)
    a.model.dispose()
    b.model.dispose()
  })

  it('is deterministic: same seed → identical weights and curves; another seed differs', async () => {
    const opts = { loss: 'sdtw' as const, epochs: 3, seed: 7, model: { init: 'random' as const } }
    const a = await train(data, opts, { engine: referenceEngine })
    const b = await train(data, opts, { engine: referenceEngine })
    const c = await train(data, { ...opts, seed: 8 }, { engine: referenceEngine })
    expect(b.model.getWeights()).toEqual(a.model.getWeights())
    expect(b.trainLoss).toEqual(a.trainLoss)
    expect(b.valLoss).toEqual(a.valLoss)
    expect(c.model.getWeights()).not.toEqual(a.model.getWeights())
    for (const r of [a, b, c]) r.model.dispose()
  })

  it('reports every epoch, keeps the best epoch by validation loss, and can be cancelled', async () => {
    const events: EpochReport[] = []
    let stop = false
    const r = await train(
      data,
      { loss: 'bce', epochs: 50, seed: 3 },
      {
        onEpoch: (e) => {
          events.push(e)
          if (e.epoch === 4) stop = true
        },
        shouldStop: () => stop,
      },
    )
    expect(r.cancelled).toBe(true)
    expect(r.epochsRun).toBe(4)
    expect(events.map((e) => e.epoch)).toEqual([1, 2, 3, 4])
    for (const e of events) {
      expect(e.epochs).toBe(50)
      expect(Number.isFinite(e.trainLoss)).toBe(true)
      expect(Number.isFinite(e.valLoss!)).toBe(true)
      expect(e.ms).toBeGreaterThanOrEqual(0)
      expect(e.gamma).toBeNull()
    }
    const best = events.reduce((a, e) => (e.valLoss! < a.valLoss! ? e : a))
    expect(r.bestEpoch).toBe(best.epoch)
    expect(events.filter((e) => e.best).at(-1)!.epoch).toBe(best.epoch)
    // the returned weights are the best epoch's: its validation loss is reproduced
    expect(evaluateLoss(r.model, data.val, { loss: 'bce' })).toBeCloseTo(best.valLoss!, 4)
    r.model.dispose()
  })

  it('the author protocol takes one batch of all segments; the stabilised preset schedules γ', async () => {
    const gammas: number[] = []
    const a = await train(
      data,
      { ...preset('author'), loss: 'sdtw', epochs: 3 },
      { engine: referenceEngine, onEpoch: (e) => void gammas.push(e.gamma!) },
    )
    expect(gammas).toEqual([0.3, 0.3, 0.3])
    a.model.dispose()
    const g2: number[] = []
    const s = await train(
      data,
      { ...preset('stabilised'), loss: 'sdtw', epochs: 12 },
      { engine: referenceEngine, onEpoch: (e) => void g2.push(e.gamma!) },
    )
    expect(g2.slice(0, 10).every((g) => g === 10)).toBe(true)
    expect(g2[11]!).toBeLessThan(10)
    s.model.dispose()
  })

  it('trains from typed sequences of whole recordings (no .lab), with unfolding', async () => {
    const typed = recs.slice(0, 4).map((r) => {
      const items = cutSegments(r, { length: 'whole' })
      return { ...r, strong: null, sequence: items[0]!.coarse }
    })
    const items: TrainItem[] = typed.flatMap((r) => cutSegments(r, { length: 'whole' }))
    expect(items.every((i) => i.strong === null)).toBe(true)
    const r = await train(
      { train: items, val: [] },
      { loss: 'sdtw', pad: 'unfold', epochs: 30, batchSize: 2, model: { init: 'random' } },
      { engine: referenceEngine },
    )
    expect(evaluateItems(r.model, seg([5])).pooled.f).toBeGreaterThan(0.9)
    expect(r.bestValLoss).toBeNull()
    r.model.dispose()
  })

  it('skips unusable items with a reason and refuses an empty training set', async () => {
    const typedOnly: TrainItem = {
      id: 'typed',
      recording: 't',
      start: 0,
      frames: 60,
      x: data.train[0]!.x,
      strong: null,
      coarse: [1],
    }
    await expect(train({ train: [typedOnly], val: [] }, { loss: 'bce', epochs: 1 })).rejects.toThrow(
      'train: no usable training items for the bce loss: 1 skipped, e.g. typed: no strong (timed) targets',
    )
    await expect(train({ train: [], val: [] }, { loss: 'bce', epochs: 1 })).rejects.toThrow(
      /no training items \(is a split "train"/,
    )
    const r = await train(
      { train: [...data.train.slice(0, 3), typedOnly], val: [] },
      { loss: 'bce', epochs: 1 },
    )
    expect(r.skipped).toEqual([{ id: 'typed', reason: 'no strong (timed) targets' }])
    r.model.dispose()
    await expect(train(data, { loss: 'bce', batchSize: 0 })).rejects.toThrow(/batchSize/)
  })
})
