/**
 * Resampler: against a direct float64 evaluation of the windowed-sinc sum (kernel written out here from
 * the textbook formulas), its stop-band attenuation and passband flatness measured on sinusoids, sox as
 * an outside reference on band-limited content, streaming = one-shot, and lengths.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { designResampler, Resampler, resample } from '../../../src/core/features'

/** I0 by its power series, independently of the implementation. */
function i0(x: number): number {
  let s = 1
  let t = 1
  for (let k = 1; k < 500; k++) {
    t *= (x / (2 * k)) ** 2
    s += t
  }
  return s
}

/** y[j] = Σ_i x[i]·h(j·M/L − i), h = 2fc·sinc(2fc·t)·I0(β√(1−(t/K)²))/I0(β), |t| < K. */
function reference(x: Float32Array, from: number, to: number): Float64Array {
  const d = designResampler(from, to)
  const n = Math.ceil((x.length * d.up) / d.down)
  const y = new Float64Array(n)
  const K = d.halfWidth
  for (let j = 0; j < n; j++) {
    const tj = (j * d.down) / d.up
    let acc = 0
    for (let i = Math.max(0, Math.ceil(tj - K)); i <= Math.min(x.length - 1, Math.floor(tj + K)); i++) {
      const t = tj - i
      if (Math.abs(t) >= K) continue
      const a = 2 * d.cutoff * t
      const sinc = a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a)
      acc += x[i]! * 2 * d.cutoff * sinc * (i0(d.beta * Math.sqrt(1 - (t / K) ** 2)) / i0(d.beta))
    }
    y[j] = acc
  }
  return y
}

function noise(n: number, seed = 3): Float32Array {
  const x = new Float32Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647
    x[i] = s / 2147483647 - 0.5
  }
  return x
}

function sine(f: number, sr: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / sr))
}

/** RMS over the middle of a signal (away from the zero-padded edges) [dB re 1/√2]. */
function levelDb(y: Float32Array, skip: number): number {
  let s = 0
  for (let i = skip; i < y.length - skip; i++) s += y[i]! * y[i]!
  return 10 * Math.log10(s / (y.length - 2 * skip) / 0.5)
}

/** Amplitude of the component at frequency f, Hann-windowed DFT over the middle [dB re 1]. */
function toneDb(y: Float32Array, f: number, sr: number, skip: number): number {
  let re = 0
  let im = 0
  let wsum = 0
  const n = y.length - 2 * skip
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
    const a = (2 * Math.PI * f * (i + skip)) / sr
    re += w * y[i + skip]! * Math.cos(a)
    im += w * y[i + skip]! * Math.sin(a)
    wsum += w
  }
  return 20 * Math.log10((2 * Math.hypot(re, im)) / wsum)
}

describe('Resampler', () => {
  test('design: ratio reduced, stop band from the lower Nyquist, passband 0.8 of it', () => {
    const d = designResampler(48000, 22050)
    expect([d.up, d.down]).toEqual([147, 320])
    expect(d.stopEdge).toBeCloseTo((0.5 * 147) / 320, 12)
    expect(d.passEdge).toBeCloseTo((0.8 * 0.5 * 147) / 320, 12)
    expect(designResampler(11025, 22050)).toMatchObject({ up: 2, down: 1, stopEdge: 0.5 })
    expect(() => designResampler(44100.5, 22050)).toThrow(/integers/)
  })

  test.each([
    [44100, 22050, 1e-6],
    [48000, 22050, 1e-6],
    [16000, 22050, 1e-6],
    [32000, 22050, 1e-6],
    [44056, 22050, 2e-5], // L = 11025 phases: coefficients interpolated from the oversampled table
  ])('%i → %i matches the direct float64 sum', (from, to, tol) => {
    const x = noise(3000)
    const y = resample(x, from, to)
    const r = reference(x, from, to)
    expect(y.length).toBe(r.length)
    let err = 0
    for (let j = 0; j < y.length; j++) err = Math.max(err, Math.abs(y[j]! - r[j]!))
    expect(err).toBeLessThan(tol)
  })

  test.each([
    [44100, 22050],
    [48000, 22050],
    [96000, 22050],
  ])('%i → %i: stop band ≥ 90 dB down, passband flat within 0.001 dB', (from, to) => {
    const n = from // 1 s
    const skip = 2000
    const nyq = to / 2
    // everything above the output Nyquist frequency would alias: it must vanish
    for (let f = nyq; f < from / 2; f += (from / 2 - nyq) / 23) {
      const y = resample(sine(f + 1, from, n), from, to)
      expect(levelDb(y, skip)).toBeLessThan(-90)
    }
    for (const f of [50, 440, 1000, 4000, 8000, 0.8 * nyq - 10]) {
      const y = resample(sine(f, from, n), from, to)
      expect(Math.abs(toneDb(y, f, to, skip))).toBeLessThan(0.001)
    }
  })

  test('upsampling 16000 → 22050 keeps a tone and adds no images', () => {
    const y = resample(sine(1000, 16000, 16000), 16000, 22050)
    expect(Math.abs(toneDb(y, 1000, 22050, 2000))).toBeLessThan(0.001)
    // the image of 1 kHz mirrored about the input rate would sit at 15 kHz
    expect(toneDb(y, 15000, 22050, 2000)).toBeLessThan(-90)
  })

  test('agrees with sox (rate -v) on band-limited content, with no time shift', () => {
    const sr = 44100
    const x = new Float32Array(sr)
    for (const [f, a] of [
      [220, 0.3],
      [1234.5, 0.2],
      [5000, 0.1],
      [7900, 0.05],
    ] as const)
      for (let i = 0; i < x.length; i++) x[i]! += a * Math.sin((2 * Math.PI * f * i) / sr)
    const r = spawnSync(
      'sox',
      [
        '-t',
        'f32',
        '-r',
        '44100',
        '-c',
        '1',
        '-',
        '-t',
        'f32',
        '-r',
        '22050',
        '-c',
        '1',
        '-',
        'rate',
        '-v',
        '22050',
      ],
      { input: Buffer.from(x.buffer), maxBuffer: 1 << 26 },
    )
    expect(r.status, 'sox must be installed (.ci/run installs it)').toBe(0)
    const s = new Float32Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength / 4)
    const y = resample(x, 44100, 22050)
    expect(Math.abs(s.length - y.length)).toBeLessThanOrEqual(1)
    let e = 0
    let p = 0
    for (let i = 1000; i < Math.min(s.length, y.length) - 1000; i++) {
      e += (s[i]! - y[i]!) ** 2
      p += s[i]! ** 2
    }
    expect(10 * Math.log10(e / p)).toBeLessThan(-70)
  })

  test('streaming in chunks gives exactly the one-shot output, ⌈n·L/M⌉ samples', () => {
    const x = noise(20011, 9)
    for (const [from, to] of [
      [44100, 22050],
      [48000, 22050],
      [16000, 22050],
    ] as const) {
      const whole = resample(x, from, to)
      const rs = new Resampler(from, to)
      expect(whole.length).toBe(Math.ceil((x.length * to) / from))
      const parts: number[] = []
      let i = 0
      let step = 1
      while (i < x.length) {
        parts.push(...rs.push(x.subarray(i, i + step)))
        i += step
        step = (step * 5 + 7) % 3001
      }
      parts.push(...rs.finish())
      expect(parts).toEqual(Array.from(whole))
    }
  })
})
