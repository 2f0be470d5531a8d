import { describe, expect, test } from 'vitest'
import { hannWindow, RealFft } from '../../../src/core/features'

/** Direct O(N²) DFT in float64: the reference. */
function dft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const N = x.length
  const re = new Float64Array(N / 2 + 1)
  const im = new Float64Array(N / 2 + 1)
  for (let k = 0; k <= N / 2; k++) {
    let sr = 0
    let si = 0
    for (let n = 0; n < N; n++) {
      const a = (-2 * Math.PI * ((k * n) % N)) / N
      sr += x[n]! * Math.cos(a)
      si += x[n]! * Math.sin(a)
    }
    re[k] = sr
    im[k] = si
  }
  return { re, im }
}

function signal(N: number, seed: number): Float64Array {
  const x = new Float64Array(N)
  let s = seed
  for (let n = 0; n < N; n++) {
    s = (s * 16807) % 2147483647
    x[n] = s / 2147483647 - 0.5 + 0.3 * Math.sin(n * 0.3)
  }
  return x
}

describe('RealFft', () => {
  // odd and even log2(N/2): the radix-2 + radix-4 and pure radix-4 paths
  test.each([4, 8, 16, 32, 64, 128, 256, 1024, 2048, 4096])('N = %i matches a direct DFT', (N) => {
    const x = signal(N, N + 1)
    const ref = dft(x)
    const fft = new RealFft(N)
    const re = new Float64Array(N / 2 + 1)
    const im = new Float64Array(N / 2 + 1)
    fft.forward(x, re, im)
    let scale = 0
    for (let k = 0; k <= N / 2; k++) scale = Math.max(scale, Math.hypot(ref.re[k]!, ref.im[k]!))
    for (let k = 0; k <= N / 2; k++) {
      expect(Math.abs(re[k]! - ref.re[k]!)).toBeLessThan(1e-12 * scale * Math.log2(N))
      expect(Math.abs(im[k]! - ref.im[k]!)).toBeLessThan(1e-12 * scale * Math.log2(N))
    }
    // the windowed power spectrum from an offset equals |DFT(w·x)|²
    const w = hannWindow(N)
    const padded = new Float64Array(N + 7)
    padded.set(x, 7)
    const P = new Float64Array(N / 2 + 1)
    fft.powerSpectrum(padded, 7, w, P, 0.5)
    const xw = x.map((v, n) => v * w[n]!)
    const refW = dft(xw)
    for (let k = 0; k <= N / 2; k++) {
      const p = 0.5 * (refW.re[k]! ** 2 + refW.im[k]! ** 2)
      expect(Math.abs(P[k]! - p)).toBeLessThan(1e-11 * scale * scale)
    }
    const mag = new Float64Array(N / 2 + 1)
    fft.magnitudeSpectrum(padded, 7, w, mag, 2, N / 4)
    for (let k = 0; k < N / 4; k++)
      expect(Math.abs(mag[k]! - 2 * Math.hypot(refW.re[k]!, refW.im[k]!))).toBeLessThan(1e-10 * scale)
  })

  test('a sinusoid at bin k peaks at bin k with |X| = N/4 under a periodic Hann window', () => {
    const N = 4096
    const x = new Float64Array(N)
    for (let n = 0; n < N; n++) x[n] = Math.cos((2 * Math.PI * 100 * n) / N)
    const P = new Float64Array(N / 2 + 1)
    new RealFft(N).powerSpectrum(x, 0, hannWindow(N), P)
    expect(Math.sqrt(P[100]!)).toBeCloseTo(N / 4, 6)
    expect(Math.sqrt(P[99]!)).toBeCloseTo(N / 8, 6)
    expect(Math.sqrt(P[98]!)).toBeLessThan(1e-9)
  })

  test('rejects sizes that are not powers of two', () => {
    expect(() => new RealFft(1000)).toThrow(/power of two/)
    expect(() => new RealFft(2)).toThrow(/power of two/)
  })
})
