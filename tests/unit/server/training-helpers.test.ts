/** The service's training decisions: splits of library recordings, validation carve-out, train options. */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ensureValidation, hashSplit, trainOptions } from '../../../src/backend/service/training'
import { parseInput } from '../../../src/core/api'
import type { Recording } from '../../../src/core/model'
import { defaultDiagonalPrior, defaultGammaSchedule } from '../../../src/core/model'

const rec = (id: string, split?: 'train' | 'val' | 'test'): Recording => ({
  id,
  x: new Float32Array(12),
  frames: 1,
  frameRate: 10,
  strong: null,
  sequence: [0],
  ...(split ? { split } : {}),
})

describe('hashSplit', () => {
  it('is a pure function of the content hash with ≈ 65/15/20 % shares', () => {
    const counts = { train: 0, val: 0, test: 0 }
    for (let i = 0; i < 4000; i++) {
      const h = createHash('sha256').update(`audio ${i}`).digest('hex')
      const s = hashSplit(h)
      expect(hashSplit(h)).toBe(s)
      counts[s]++
    }
    expect(counts.train / 4000).toBeCloseTo(0.65, 1)
    expect(counts.val / 4000).toBeCloseTo(0.15, 1)
    expect(counts.test / 4000).toBeCloseTo(0.2, 1)
    expect(hashSplit('00000000')).toBe('test')
    expect(hashSplit('ffffffff')).toBe('train')
  })
})

describe('ensureValidation', () => {
  it('takes ≈ 20 % of the training recordings (≥ 1) when the corpus has no validation split', () => {
    const rs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((id) => rec(id, 'train'))
    rs.push(rec('t', 'test'))
    const moved = ensureValidation(rs)
    expect(moved).toHaveLength(2)
    expect(
      rs
        .filter((r) => r.split === 'val')
        .map((r) => r.id)
        .sort(),
    ).toEqual([...moved].sort())
    expect(rs.find((r) => r.id === 't')!.split).toBe('test')
    // deterministic: the same ids whatever the order
    const again = ['j', 'i', 'h', 'g', 'f', 'e', 'd', 'c', 'b', 'a'].map((id) => rec(id, 'train'))
    expect(ensureValidation(again).sort()).toEqual([...moved].sort())
  })

  it('leaves corpora alone that have validation recordings or too few to spare one', () => {
    const withVal = [rec('a', 'train'), rec('b', 'train'), rec('c', 'train'), rec('v', 'val')]
    expect(ensureValidation(withVal)).toEqual([])
    const few = [rec('a', 'train'), rec('b'), rec('t', 'test')]
    expect(ensureValidation(few)).toEqual([])
    expect(few.map((r) => r.split)).toEqual(['train', undefined, 'test'])
    expect(ensureValidation([rec('a'), rec('b'), rec('c')])).toHaveLength(1)
  })
})

describe('trainOptions', () => {
  const cfg = (o: Record<string, unknown>) => parseInput('train', { corpus: { kind: 'library' }, ...o })

  it('maps the API configuration onto the trainer, stabilisers for soft-DTW only', () => {
    const o = trainOptions(cfg({ epochs: 60 }))
    expect(o).toMatchObject({
      loss: 'sdtw',
      softLength: 16,
      pad: 'unfold', // the default for typed targets (whole recordings)
      normalize: 'n',
      epochs: 60,
      batchSize: 5,
      learningRate: 0.1,
      model: { kind: 'dchord' },
    })
    expect(o.gammaSchedule).toEqual(defaultGammaSchedule)
    expect(o.diagonalPrior).toEqual(defaultDiagonalPrior)
    // the seed's segments keep uniform padding; a padding asked for is kept
    expect(trainOptions(cfg({ targets: 'segments' })).pad).toBe('uniform')
    expect(trainOptions(cfg({ pad: 'last' })).pad).toBe('last')
    expect(trainOptions(cfg({ targets: 'segments', pad: 'unfold' })).pad).toBe('unfold')
    const bce = trainOptions(cfg({ loss: 'bce', epochs: 60 }))
    expect(bce).toMatchObject({ loss: 'bce', gammaSchedule: null, diagonalPrior: null, normalize: 'none' })
    // the soft-DTW divergence takes the soft-DTW stabilisers
    const div = trainOptions(cfg({ loss: 'sdtw-div', epochs: 60 }))
    expect(div).toMatchObject({ loss: 'sdtw-div', normalize: 'n', softLength: 16 })
    expect(div.gammaSchedule).toEqual(defaultGammaSchedule)
    expect(div.diagonalPrior).toEqual(defaultDiagonalPrior)
    expect(() => cfg({ loss: 'sdtw-rev' })).toThrow(/loss/)
    const plain = trainOptions(
      cfg({ stabilisers: { gammaSchedule: false, diagonalPrior: false, normalize: 'none' }, gamma: 0.3 }),
    )
    expect(plain).toMatchObject({ gammaSchedule: null, diagonalPrior: null, normalize: 'none', gamma: 0.3 })
  })

  it("takes the model family's step size unless the configuration names one", () => {
    expect(trainOptions(cfg({ model: 'conv' })).learningRate).toBe(0.003)
    expect(trainOptions(cfg({ model: 'dchord-unshared' })).learningRate).toBe(0.1)
    expect(trainOptions(cfg({ model: 'conv', learningRate: 0.02 })).learningRate).toBe(0.02)
  })

  it('compresses the schedules into the first two thirds of a short run, so it ends at the final γ', () => {
    const o = trainOptions(cfg({ epochs: 12 }))
    expect(o.gammaSchedule).toEqual({ ...defaultGammaSchedule, holdEpochs: 4, decayEpochs: 4 })
    expect(o.diagonalPrior).toEqual({ ...defaultDiagonalPrior, fadeEpochs: 8 })
    const one = trainOptions(cfg({ epochs: 1 }))
    expect(one.gammaSchedule).toMatchObject({ holdEpochs: 1, decayEpochs: 1 })
  })
})
