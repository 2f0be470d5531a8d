import { describe, expect, test } from 'vitest'
import { logCompress, mixToMono, normalizeFeatureSequence } from '../../../src/core/features'

describe('post-processing steps', () => {
  test('normalizeFeatureSequence follows libfmp: norms, threshold 1e-4, unit vectors', () => {
    const x = Float32Array.from([3, 4, 0, 0, 0, 0, 5e-5, 0, -2, 1, 2, 0])
    expect(Array.from(normalizeFeatureSequence(x, 4, 'l2'))).toEqual(
      [0.6, 0.8, 0, 0, 0.5, 0.5, 0.5, 0.5, -2 / 3, 1 / 3, 2 / 3, 0].map(Math.fround),
    )
    const l1 = normalizeFeatureSequence(x, 4, 'l1')
    expect(Array.from(l1.subarray(0, 8))).toEqual(
      [3 / 7, 4 / 7, 0, 0, 0.25, 0.25, 0.25, 0.25].map(Math.fround),
    )
    const mx = normalizeFeatureSequence(x, 4, 'max')
    expect(Array.from(mx.subarray(0, 8))).toEqual([0.75, 1, 0, 0, 1, 1, 1, 1])
    expect(Array.from(normalizeFeatureSequence(x, 4, 'l2', 1e-6).subarray(4, 8))).toEqual([0, 0, 1, 0])
    expect(normalizeFeatureSequence(x, 4, 'none')).toEqual(x)
  })

  test('logCompress is log(1 + γ·x/scale); γ = 0 is the identity', () => {
    const x = Float32Array.from([0, 1, 10])
    expect(Array.from(logCompress(x, 100))).toEqual([0, Math.log(101), Math.log(1001)].map(Math.fround))
    expect(Array.from(logCompress(x, 100, 10))).toEqual([0, Math.log(11), Math.log(101)].map(Math.fround))
    expect(logCompress(x, 0)).toEqual(x)
  })

  test('mixToMono averages channels', () => {
    const m = mixToMono([Float32Array.from([1, 0.5]), Float32Array.from([0, 0.5])])
    expect(Array.from(m)).toEqual([0.5, 0.5])
    const one = Float32Array.from([1, 2])
    expect(mixToMono([one])).toBe(one)
  })
})
