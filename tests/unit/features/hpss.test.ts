import { describe, expect, test } from 'vitest'
import { medianAlongFrequency, reflectIndex, StreamingHpss } from '../../../src/core/features'

/** scipy.ndimage.median_filter(mode='reflect') along one axis, by sorting every window. */
function naiveMedian(get: (i: number) => number, n: number, i: number, L: number): number {
  const h = (L - 1) / 2
  const w: number[] = []
  for (let d = -h; d <= h; d++) {
    let j = i + d
    while (j < 0 || j >= n) j = j < 0 ? -j - 1 : 2 * n - j - 1
    w.push(get(j))
  }
  w.sort((a, b) => a - b)
  return w[h]!
}

/** Reference HPSS (float64): harmonic = S·H²/(H² + P²), H along time, P along frequency. */
function referenceHpss(S: number[][], Lt: number, Lf: number, K: number): number[][] {
  const T = S.length
  const B = S[0]!.length
  return S.map((row, t) =>
    Array.from({ length: K }, (_, k) => {
      const H = naiveMedian((j) => S[j]![k]!, T, t, Lt)
      const P = naiveMedian((j) => row[j]!, B, k, Lf)
      const d = H * H + P * P
      return d > 1e-300 ? (row[k]! * H * H) / d : 0
    }),
  )
}

function randomSpectrogram(T: number, B: number, seed: number): number[][] {
  let s = seed
  return Array.from({ length: T }, () =>
    Array.from({ length: B }, () => {
      s = (s * 16807) % 2147483647
      // repeated values on purpose: ties must not break the sorted windows
      return Math.floor((s / 2147483647) * 50) / 10
    }),
  )
}

function run(S: number[][], K: number, Lt: number, Lf: number): number[][] {
  const hp = new StreamingHpss(K, Lt, Lf)
  const out: number[][] = []
  const emit = (t: number, h: Float64Array) => {
    expect(t).toBe(out.length)
    out.push(Array.from(h))
  }
  for (const row of S) hp.push(Float64Array.from(row), row.length, emit)
  hp.finish(emit)
  return out
}

describe('streaming median-filter HPSS', () => {
  test.each([
    [40, 30, 20, 17, 17],
    [40, 30, 30, 5, 3],
    [3, 12, 12, 17, 5], // fewer frames than the kernel: reflection twice
    [1, 8, 8, 17, 17],
  ])('T=%i, bins=%i (K=%i), kernels %i×%i: equals sorting every window', (T, B, K, Lt, Lf) => {
    const S = randomSpectrogram(T, B, T * 31 + B)
    const got = run(S, K, Lt, Lf)
    const ref = referenceHpss(S, Lt, Lf, K)
    expect(got.length).toBe(T)
    for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) expect(got[t]![k]).toBeCloseTo(ref[t]![k]!, 12)
  })

  test('a steady partial stays, a click goes', () => {
    const T = 60
    const B = 64
    const S = Array.from({ length: T }, (_, t) =>
      Array.from({ length: B }, (_, k) => (k === 20 ? 1 : 0) + (t === 30 ? 1 : 0) + 0.001),
    )
    const h = run(S, B, 17, 17)
    expect(h[10]![20]).toBeGreaterThan(0.99)
    expect(h[30]![5]).toBeLessThan(0.01)
  })

  test('frequency median and reflection helpers', () => {
    expect([-3, -2, -1, 0, 4, 5, 6, 7].map((i) => reflectIndex(i, 5))).toEqual([2, 1, 0, 0, 4, 4, 3, 2])
    const mag = Float64Array.from([5, 1, 4, 2, 3, 9, 0])
    const out = new Float64Array(7)
    medianAlongFrequency(mag, 7, 7, 3, out, new Float64Array(3))
    expect(Array.from(out)).toEqual([5, 4, 2, 3, 3, 3, 0])
  })
})
