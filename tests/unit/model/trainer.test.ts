import { beforeAll, describe, expect, it } from 'vitest'
import { selectTfBackend } from '../../../src/backend/tf-backend'
import {
  createModel,
  cutSegments,
  defaultLearningRates,
  type EpochReport,
  evaluateItems,
  evaluateLoss,
  evaluateRecordings,
  MAX_SELF_CELLS,
  preset,
  resolveTrainOptions,
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

describe('resolveTrainOptions', () => {
  it('takes the step size of the model kind unless one is given, also under a preset', () => {
    expect(defaultLearningRates).toEqual({ dchord: 0.1, 'dchord-unshared': 0.1, conv: 0.003 })
    expect(resolveTrainOptions().learningRate).toBe(0.1)
    expect(resolveTrainOptions({ model: { kind: 'dchord-unshared' } }).learningRate).toBe(0.1)
    expect(resolveTrainOptions({ model: { kind: 'conv' } }).learningRate).toBe(0.003)
    expect(resolveTrainOptions({ ...preset('paper'), model: { kind: 'conv' } }).learningRate).toBe(0.003)
    expect(resolveTrainOptions({ ...preset('stabilised'), model: { kind: 'conv' } }).learningRate).toBe(0.003)
    expect(resolveTrainOptions(preset('paper')).learningRate).toBe(0.1) // the report's α for dChord
    expect(resolveTrainOptions({ learningRate: 0.05, model: { kind: 'conv' } }).learningRate).toBe(0.05)
    expect(resolveTrainOptions({ learningRate: 0.05 }).learningRate).toBe(0.05)
  })
})

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

  it('the soft-DTW divergence (sdtw-div) learns the chords from random templates; its losses are ≥ 0', async () => {
    const untrained = createModel({ init: 'random', seed: 1 })
    const before = evaluateRecordings(untrained, test).pooled.f
    untrained.dispose()
    const r = await train(
      data,
      { loss: 'sdtw-div', epochs: 12, model: { init: 'random' }, seed: 1 },
      { engine: referenceEngine },
    )
    expect(evaluateRecordings(r.model, test).pooled.f).toBeGreaterThan(Math.max(0.85, before + 0.2))
    for (const l of [...r.trainLoss, ...(r.valLoss as number[])]) expect(l).toBeGreaterThan(-1e-3)
    expect(r.options.loss).toBe('sdtw-div')
    r.model.dispose()
  })

  it('sdtw-div and sequence unfolding leave out, with the reason, a recording too long for n² cells', async () => {
    const frames = Math.floor(Math.sqrt(MAX_SELF_CELLS)) + 1
    const long: TrainItem = {
      ...data.train[0]!,
      id: 'long',
      frames,
      x: new Float32Array(frames * 12),
      strong: null,
    }
    const r = await train(
      { train: [...data.train.slice(0, 2), long], val: [] },
      { loss: 'sdtw-div', epochs: 1, seed: 1 },
      { engine: referenceEngine },
    )
    expect(r.skipped).toEqual([
      {
        id: 'long',
        reason: expect.stringMatching(
          new RegExp(
            `^${frames} frames: the soft-DTW divergence compares a recording with itself .*use soft-DTW, or 150-frame segments`,
          ),
        ),
      },
    ])
    expect(r.counts.train).toBe(2)
    r.model.dispose()
    const u = await train(
      { train: [...data.train.slice(0, 2), long], val: [] },
      { loss: 'sdtw', pad: 'unfold', epochs: 1, seed: 1 },
      { engine: referenceEngine },
    )
    expect(u.skipped.map((x) => [x.id, x.reason.replace(/\(.*\)/, '()')])).toEqual([
      [
        'long',
        `${frames} frames: sequence unfolding aligns ${frames} frames with ${frames} targets (); use uniform padding, or 150-frame segments`,
      ],
    ])
    u.model.dispose()
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

  it('without validation items, picks the epoch by the training loss at the final γ, not the scheduled one', async () => {
    const schedule = { start: 10, holdEpochs: 3, end: 0.1, decayEpochs: 3 }
    const options = {
      loss: 'sdtw' as const,
      epochs: 9,
      gammaSchedule: schedule,
      diagonalPrior: { weight: 1, fadeEpochs: 6 },
      model: { init: 'random' as const },
      seed: 1,
    }
    const r = await train({ train: data.train, val: [] }, options, { engine: referenceEngine })
    expect(r.selectedBy).toBe('training')
    expect(r.bestValLoss).toBeNull()
    expect(r.trainEvalLoss).toHaveLength(9)
    const argmin = (v: number[]) => v.indexOf(Math.min(...v)) + 1
    // the running training loss at the scheduled γ is lowest while γ = 10: the old rule's choice
    const oldChoice = argmin(r.trainLoss)
    expect(oldChoice).toBeLessThanOrEqual(3)
    // the rule: the lowest loss of the training items recomputed at γ = 0.1 without the prior
    expect(r.bestEpoch).toBe(argmin(r.trainEvalLoss))
    expect(r.bestEpoch).toBeGreaterThan(3)
    expect(r.trainEvalLoss[r.bestEpoch - 1]!).toBeLessThan(r.trainEvalLoss[oldChoice - 1]!)
    // the returned weights are that epoch's, and that value is evaluateLoss at the final γ
    const again = evaluateLoss(r.model, data.train, options, referenceEngine)!
    expect(again).toBeCloseTo(r.trainEvalLoss[r.bestEpoch - 1]!, 3)
    expect(evaluateLoss(r.model, data.train, options, referenceEngine, 0.1)).toBe(again)
    expect(evaluateRecordings(r.model, test).pooled.f).toBeGreaterThan(0.85)
    r.model.dispose()
    // with validation items the validation loss chooses and nothing else is computed
    const v = await train(data, { ...options, epochs: 2 }, { engine: referenceEngine })
    expect(v.selectedBy).toBe('validation')
    expect(v.trainEvalLoss).toEqual([])
    v.model.dispose()
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
