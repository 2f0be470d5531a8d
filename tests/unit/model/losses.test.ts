import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectTfBackend } from '../../../src/backend/tf-backend'
import {
  bceLoss,
  cceLoss,
  diagonalPriorBatch,
  gammaAt,
  priorWeightAt,
  softDtwLoss,
} from '../../../src/core/model'
import { finiteDiff, referenceEngine, softmaxRows, worstRatio } from './reference'

beforeAll(async () => {
  await selectTfBackend('cpu')
})

const scalar = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!
  t.dispose()
  return v
}

describe('bceLoss', () => {
  it('sums over classes and averages over masked-in frames (hand-checked)', () => {
    // frame 0: p = [.5 .25 .25], y = [1 0 0] → −(log .5 + 2 log .75); frame 1 masked out
    const p = tf.tensor3d([0.5, 0.25, 0.25, 0.1, 0.8, 0.1], [1, 2, 3])
    const y = tf.tensor3d([1, 0, 0, 0, 0, 1], [1, 2, 3])
    const want = -(Math.log(0.5) + 2 * Math.log(0.75))
    expect(scalar(bceLoss(p, y, tf.tensor2d([1, 0], [1, 2])))).toBeCloseTo(want, 5)
    const both = (want - (Math.log(0.9) + Math.log(0.2) + Math.log(0.1))) / 2
    expect(scalar(bceLoss(p, y, tf.tensor2d([1, 1], [1, 2])))).toBeCloseTo(both, 5)
  })
  it('gradient w.r.t. logits through softmax matches float64 finite differences', () => {
    const T = 3
    const K = 4
    const z = Float64Array.from({ length: T * K }, (_, i) => Math.cos(i * 0.9) * 2)
    const y = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]
    const mask = [1, 0, 1]
    const ref = (v: Float64Array) => {
      const p = softmaxRows(v, K)
      let s = 0
      for (let t = 0; t < T; t++)
        for (let k = 0; k < K; k++) {
          const q = p[t * K + k]!
          s -= mask[t]! * (y[t * K + k]! * Math.log(q) + (1 - y[t * K + k]!) * Math.log(1 - q))
        }
      return s / 2
    }
    const Z = tf.tensor3d(Float32Array.from(z), [1, T, K])
    const Y = tf.tensor3d(y, [1, T, K])
    const Mk = tf.tensor2d(mask, [1, T])
    const g = tf.grad((x: tf.Tensor) => bceLoss(tf.softmax(x) as tf.Tensor3D, Y, Mk))(Z)
    expect(worstRatio(g.dataSync(), finiteDiff(ref, z), 1e-3, 1e-5)).toBeLessThan(1)
    tf.dispose([Z, Y, Mk, g])
  })
})

describe('cceLoss', () => {
  it('is −log softmax of the target class, averaged over masked-in frames', () => {
    const z = tf.tensor3d([0, Math.log(2), 0, 5, 5, 5], [1, 2, 3])
    const y = tf.tensor3d([0, 1, 0, 1, 0, 0], [1, 2, 3])
    expect(scalar(cceLoss(z, y, tf.tensor2d([1, 0], [1, 2])))).toBeCloseTo(-Math.log(0.5), 5)
    expect(scalar(cceLoss(z, y, tf.tensor2d([1, 1], [1, 2])))).toBeCloseTo(
      (-Math.log(0.5) + Math.log(3)) / 2,
      5,
    )
  })
})

describe('softDtwLoss', () => {
  const n = Int32Array.from([2])
  it('one target: the single path sums the costs, whatever γ', () => {
    const X = tf.tensor3d([1, 0, 0, 1], [1, 2, 2])
    const Y = tf.tensor3d([1, 0], [1, 1, 2])
    for (const gamma of [0.1, 1, 10])
      expect(
        scalar(
          softDtwLoss(
            X,
            Y,
            n,
            Int32Array.from([1]),
            { gamma, priorWeight: 0, normalize: 'none' },
            referenceEngine,
          ),
        ),
      ).toBeCloseTo(2, 5)
  })
  it('2×2: −γ log(e^0 + 2e^−(2+w)/γ), with the diagonal prior w on the off-diagonal cells, ÷(n+m)', () => {
    const X = tf.tensor3d([1, 0, 0, 1], [1, 2, 2])
    const Y = tf.tensor3d([1, 0, 0, 1], [1, 2, 2])
    const m = Int32Array.from([2])
    const v = (w: number, g: number) => -g * Math.log(1 + 2 * Math.exp(-(2 + w) / g))
    expect(
      scalar(softDtwLoss(X, Y, n, m, { gamma: 1, priorWeight: 0, normalize: 'none' }, referenceEngine)),
    ).toBeCloseTo(v(0, 1), 5)
    expect(
      scalar(softDtwLoss(X, Y, n, m, { gamma: 0.5, priorWeight: 0.7, normalize: 'none' }, referenceEngine)),
    ).toBeCloseTo(v(0.7, 0.5), 5)
    expect(
      scalar(softDtwLoss(X, Y, n, m, { gamma: 1, priorWeight: 0, normalize: 'n+m' }, referenceEngine)),
    ).toBeCloseTo(v(0, 1) / 4, 5)
    expect(
      scalar(softDtwLoss(X, Y, n, m, { gamma: 1, priorWeight: 0, normalize: 'n' }, referenceEngine)),
    ).toBeCloseTo(v(0, 1) / 2, 5)
  })
})

describe('stabilisers', () => {
  it('γ schedule: 10 for epochs 0–9, log-linear down to 0.1 at epoch 19, then 0.1', () => {
    const s = { start: 10, holdEpochs: 10, end: 0.1, decayEpochs: 10 }
    expect(gammaAt(s, 0)).toBe(10)
    expect(gammaAt(s, 9)).toBe(10)
    expect(gammaAt(s, 14)).toBeCloseTo(10 * 0.01 ** 0.5, 10)
    expect(gammaAt(s, 19)).toBeCloseTo(0.1, 12)
    expect(gammaAt(s, 150)).toBeCloseTo(0.1, 12)
  })
  it('the prior fades linearly to 0 and is (i/(n−1) − j/(m−1))² inside each block', () => {
    expect(priorWeightAt({ weight: 2, fadeEpochs: 4 }, 0)).toBe(2)
    expect(priorWeightAt({ weight: 2, fadeEpochs: 4 }, 3)).toBe(0.5)
    expect(priorWeightAt({ weight: 2, fadeEpochs: 4 }, 9)).toBe(0)
    const P = diagonalPriorBatch(1, 3, 3, Int32Array.from([3]), Int32Array.from([2]), 1)
    // rows i/2 = 0, .5, 1; columns j/1 = 0, 1; third column outside the block
    expect(Array.from(P)).toEqual([0, 1, 0, 0.25, 0.25, 0, 1, 0, 0])
  })
})
