/** The Training view's pure parts: pace and ETA, durations, the API configuration, chart axes and ramps. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_LEARNING_RATES, learningRateOf, padOf, parseInput } from '../../../src/core/api'
import { blues, extent, niceTicks, scale, tickLabel } from '../../../src/renderer/src/lib/chart'
import {
  configOf,
  defaultTrainForm,
  etaMs,
  formatDuration,
  msPerEpoch,
  setModelKind,
} from '../../../src/renderer/src/state/training-form'

const pts = (ms: (number | null)[]) =>
  ms.map((m, i) => ({ epoch: i + 1, trainLoss: 1 / (i + 1), valLoss: null, ms: m }))

describe('pace and ETA', () => {
  it('averages the last five epochs and multiplies by the epochs left', () => {
    expect(msPerEpoch([])).toBeNull()
    expect(msPerEpoch(pts([1000, 10, 20, 30, 40, 50]))).toBe(30)
    expect(msPerEpoch(pts([null, 100]))).toBe(100)
    expect(etaMs(pts([100, 200]), 10)).toBe(8 * 150)
    expect(etaMs(pts([100, 100]), 2)).toBe(0)
    expect(etaMs([], 10)).toBeNull()
  })

  it('writes durations a person reads', () => {
    expect(formatDuration(null)).toBe('–')
    expect(formatDuration(340.4)).toBe('340 ms')
    expect(formatDuration(12_400)).toBe('12 s')
    expect(formatDuration(65_000)).toBe('1 min 05 s')
  })
})

describe('configOf', () => {
  it('gives a configuration the API accepts, with the same defaults', () => {
    const cfg = configOf({ ...defaultTrainForm })
    const { learningRate, ...rest } = parseInput('train', cfg)
    const api = parseInput('train', { corpus: { kind: 'library' } })
    expect({ ...rest, learningRate: undefined }).toEqual({ ...api, learningRate: undefined })
    expect(learningRate).toBe(learningRateOf(api)) // the form shows the step the API would take
  })

  it('moves the step size with the model family unless the user changed it', () => {
    const f = { ...defaultTrainForm }
    setModelKind(f, 'conv')
    expect(f).toMatchObject({ model: 'conv', learningRate: DEFAULT_LEARNING_RATES.conv })
    expect(f.learningRate).toBe(0.003)
    setModelKind(f, 'dchord-unshared')
    expect(f.learningRate).toBe(0.1)
    f.learningRate = 0.02 // the user's own choice stays
    setModelKind(f, 'conv')
    expect(f).toMatchObject({ model: 'conv', learningRate: 0.02 })
    expect(parseInput('train', configOf(f)).learningRate).toBe(0.02)
  })

  it("leaves an emptied step size to the API, which takes the chosen family's default", () => {
    const f = { ...defaultTrainForm, learningRate: null }
    setModelKind(f, 'conv')
    expect(f.learningRate).toBeNull()
    const cfg = configOf(f)
    expect('learningRate' in cfg).toBe(false)
    expect(learningRateOf(parseInput('train', cfg))).toBe(0.003)
    setModelKind(f, 'dchord')
    expect(learningRateOf(parseInput('train', configOf(f)))).toBe(0.1)
  })

  it('carries every field of the form', () => {
    const cfg = configOf({
      ...defaultTrainForm,
      corpusKind: 'manifest',
      manifestPath: '  /data/manifest.json ',
      loss: 'ctc',
      batchSize: 'all',
      epochs: 7,
      name: ' mine ',
    })
    expect(parseInput('train', cfg)).toMatchObject({
      corpus: { kind: 'manifest', path: '/data/manifest.json' },
      loss: 'ctc',
      batchSize: 'all',
      epochs: 7,
      name: 'mine',
    })
    expect(
      configOf({ ...defaultTrainForm, corpusKind: 'tag', tag: 'jazz', includeImported: true }).corpus,
    ).toEqual({
      kind: 'tag',
      tag: 'jazz',
      includeImported: true,
    })
    expect(configOf({ ...defaultTrainForm, batchSize: '16' }).batchSize).toBe(16)
    // the padding shown is the padding trained: left to the API only where it is the API's default
    expect(padOf(parseInput('train', configOf({ ...defaultTrainForm })))).toBe('unfold')
    expect(configOf({ ...defaultTrainForm, targets: 'segments' }).pad).toBe('unfold')
    expect(configOf({ ...defaultTrainForm, pad: 'uniform' }).pad).toBe('uniform')
    expect(
      padOf(parseInput('train', configOf({ ...defaultTrainForm, targets: 'segments', pad: 'uniform' }))),
    ).toBe('uniform')
  })
})

describe('chart helpers', () => {
  it('gives round ticks covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => expect.closeTo(v, 12)))
    expect(niceTicks(1, 12, 5)).toEqual([2, 4, 6, 8, 10, 12])
    expect(niceTicks(-2.1, 1.05, 4)).toEqual([-2, -1, 0, 1])
    expect(niceTicks(0.35, 0.47, 5)).toEqual(
      [0.36, 0.38, 0.4, 0.42, 0.44, 0.46].map((v) => expect.closeTo(v, 12)),
    )
    expect(niceTicks(5, 5, 4).length).toBeGreaterThan(1)
    expect(niceTicks(Number.NaN, 1)).toEqual([])
  })

  it('pads the extent and ignores missing values', () => {
    expect(extent([null, 1, 3, Number.NaN])).toEqual([0.9, 3.1])
    expect(extent([])).toEqual([0, 1])
    const [lo, hi] = extent([2, 2])
    expect(lo).toBeLessThan(2)
    expect(hi).toBeGreaterThan(2)
  })

  it('maps linearly and labels with the step’s decimals', () => {
    const s = scale(1, 11, 0, 100)
    expect(s(1)).toBe(0)
    expect(s(6)).toBe(50)
    expect(tickLabel(0.4, [0.2, 0.4])).toBe('0.4')
    expect(tickLabel(10, [0, 10])).toBe('10')
    expect(tickLabel(0.05, [0, 0.05])).toBe('0.05')
  })

  it('ramps from paper to ink', () => {
    expect(blues(0)).toEqual([251, 250, 247])
    expect(blues(1)).toEqual([23, 37, 74])
    expect(blues(2)).toEqual(blues(1))
  })
})
