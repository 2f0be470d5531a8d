/** The training and insight part of the API table: defaults, one-line validation, events, answers. */
import { describe, expect, it } from 'vitest'
import {
  API_EVENT_NAMES,
  API_METHOD_NAMES,
  apiMethods,
  DEFAULT_LEARNING_RATES,
  learningRateOf,
  ModelSummary,
  parseInput,
  TrainConfig,
  TrainProgress,
  TrainResult,
} from '../../../src/core/api'
import { defaultLearningRates } from '../../../src/core/model'

describe('training methods in the table', () => {
  it('has the new methods, as calls or jobs of the right kind', () => {
    for (const name of ['getAccelerators', 'listModels', 'getModel', 'setActiveModel', 'listRuns'] as const) {
      expect(API_METHOD_NAMES).toContain(name)
      expect(apiMethods[name].kind).toBe('call')
    }
    expect(apiMethods.train).toMatchObject({ kind: 'job', job: 'train' })
    for (const name of ['getTargetDistribution', 'getExpectedAlignment', 'getModelAccuracy'] as const)
      expect(apiMethods[name]).toMatchObject({ kind: 'job', job: 'insight' })
    expect(API_EVENT_NAMES).toContain('train-progress')
    expect(API_EVENT_NAMES).toContain('models-changed')
  })
})

describe('train input', () => {
  it('fills the documented defaults from just a corpus', () => {
    const r = parseInput('train', { corpus: { kind: 'library' } })
    expect(r).toEqual({
      corpus: { kind: 'library', includeImported: false },
      loss: 'sdtw',
      targets: 'typed',
      features: 'tuned',
      softLength: 16,
      stabilisers: { gammaSchedule: true, diagonalPrior: true, normalize: 'n' },
      gamma: 1,
      epochs: 30,
      batchSize: 5,
      seed: 0,
      model: 'dchord',
    })
    // the step size is the model family's unless given (conv's ReLU units die at the seed's 0.1)
    expect(learningRateOf(r)).toBe(0.1)
    expect(learningRateOf(parseInput('train', { corpus: { kind: 'library' }, model: 'conv' }))).toBe(0.003)
    expect(
      learningRateOf(parseInput('train', { corpus: { kind: 'library' }, model: 'conv', learningRate: 0.01 })),
    ).toBe(0.01)
    expect(DEFAULT_LEARNING_RATES).toEqual(defaultLearningRates) // the API's copy of the model's table
    expect(
      parseInput('train', { corpus: { kind: 'manifest', path: '/c/manifest.json' }, batchSize: 'all' })
        .batchSize,
    ).toBe('all')
  })

  it('names the field and the problem in one line', () => {
    expect(() => parseInput('train', {})).toThrow(/^train: corpus: /)
    expect(() => parseInput('train', { corpus: { kind: 'folder' } })).toThrow(/^train: corpus\.kind: /)
    expect(() => parseInput('train', { corpus: { kind: 'tag' } })).toThrow(/^train: corpus\.tag: /)
    expect(() => parseInput('train', { corpus: { kind: 'library' }, softLength: 0 })).toThrow(
      /^train: softLength: Too small/,
    )
    expect(() => parseInput('train', { corpus: { kind: 'library' }, loss: 'mse' })).toThrow(/^train: loss: /)
    expect(() => parseInput('train', { corpus: { kind: 'library' }, batchSize: 'seven' })).toThrow(
      /^train: batchSize/,
    )
    expect(() =>
      parseInput('train', { corpus: { kind: 'library' }, stabilisers: { gammaSchedul: true } }),
    ).toThrow(/stabilisers: unknown key "gammaSchedul" \(did you mean "gammaSchedule"\?\)/)
    expect(() => parseInput('train', { corpus: { kind: 'manifest', path: '' } })).toThrow(/corpus\.path/)
  })
})

describe('model choice in align, recognize and the insight methods', () => {
  it('aligns with the templates unless asked for a model', () => {
    expect(parseInput('align', { recordingId: '3', sequence: 'C G' })).toMatchObject({
      emission: 'templates',
    })
    expect(parseInput('recognize', { recordingId: '3', emission: 'model', modelId: '12' })).toEqual({
      recordingId: '3',
      emission: 'model',
      modelId: '12',
    })
    expect(() => parseInput('align', { recordingId: '3', sequence: 'C', emission: 'hmm' })).toThrow(
      /^align: emission: /,
    )
    expect(() => parseInput('recognize', { recordingId: '3', modelId: '../x' })).toThrow(
      /^recognize: modelId: may contain only/,
    )
  })

  it('fills the insight defaults', () => {
    expect(parseInput('getExpectedAlignment', { recordingId: '1' })).toEqual({ recordingId: '1', gamma: 1 })
    expect(parseInput('getTargetDistribution', { corpus: { kind: 'library' } }).softLengths).toEqual([16, 75])
    expect(parseInput('getModelAccuracy', {}).corpus).toEqual({ kind: 'library', includeImported: false })
    expect(() =>
      parseInput('getTargetDistribution', { corpus: { kind: 'library' }, softLengths: [] }),
    ).toThrow(/softLengths: Too small/)
    expect(() => parseInput('setActiveModel', {})).toThrow(/^setActiveModel: modelId: /)
    expect(parseInput('setActiveModel', { modelId: null })).toEqual({ modelId: null })
  })
})

describe('answers and events', () => {
  const model = {
    id: '4',
    name: 'dchord sdtw',
    kind: 'dchord',
    createdAt: '2026-01-01T00:00:00.000Z',
    active: false,
    paramCount: 25,
    eta: 0.3,
    runId: '2',
    corpus: 'library',
    loss: 'sdtw',
    testF: 0.61,
    builtIn: false,
  }

  it('checks a training result strictly', () => {
    const result = {
      runId: '2',
      model,
      cancelled: false,
      bestEpoch: 9,
      epochsRun: 12,
      ms: 812,
      accelerator: 'tfjs wasm, soft-DTW dtw:native',
      counts: { train: 4, val: 1, heldOut: 3 },
      skipped: [],
      heldOut: [
        { key: 'templates', alignMajmin: 0.98, recognizeMajmin: 0.89, frameF: null, perRecording: [] },
      ],
      activeModelId: null,
      notes: [],
    }
    expect(TrainResult.parse(result)).toEqual(result)
    expect(() => TrainResult.parse({ ...result, extra: 1 })).toThrow()
    expect(ModelSummary.safeParse({ ...model, testF: 'high' }).success).toBe(false)
  })

  it('tells the two kinds of training events apart', () => {
    const epoch = TrainProgress.parse({
      type: 'epoch',
      jobId: 'job-1',
      runId: '2',
      epoch: 3,
      epochs: 12,
      trainLoss: 0.9,
      valLoss: null,
      ms: 80,
      gamma: 10,
      best: true,
    })
    expect(epoch.type).toBe('epoch')
    expect(TrainProgress.safeParse({ type: 'started', jobId: 'job-1', runId: '2' }).success).toBe(false)
  })

  it('rejects a configuration object with a typo at the top level, naming the key', () => {
    const r = TrainConfig.safeParse({ corpus: { kind: 'library' }, epoch: 3 })
    expect(r.success).toBe(false)
    expect(() => parseInput('train', { corpus: { kind: 'library' }, epoch: 3 })).toThrow(
      /unknown key "epoch" \(did you mean "epochs"\?\)/,
    )
  })
})
