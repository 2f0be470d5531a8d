import { describe, expect, test } from 'vitest'
import { type Chroma, ChromaExtractor, computeChroma, resolveChromaOptions } from '../../../src/core/features'

const SR = 22050

function tone(freq: number, seconds: number, amp = 0.5, sr = SR): Float32Array {
  const x = new Float32Array(Math.round(seconds * sr))
  for (let n = 0; n < x.length; n++) x[n] = amp * Math.sin((2 * Math.PI * freq * n) / sr)
  return x
}

function argmax(c: Float32Array, t: number): number {
  let b = 0
  for (let i = 1; i < 12; i++) if (c[12 * t + i]! > c[12 * t + b]!) b = i
  return b
}

describe('computeChroma', () => {
  test('frames and rates follow the centred-frame convention', () => {
    const x = tone(440, 3)
    for (const pipeline of ['fmp', 'align'] as const) {
      const c = computeChroma(x, SR, { pipeline, tuning: 0 })
      const o = resolveChromaOptions({ pipeline })
      expect(c.frames).toBe(1 + Math.floor(x.length / o.hopSize))
      expect(c.data.length).toBe(12 * c.frames)
      expect(c.frameRate).toBeCloseTo(SR / o.hopSize, 12)
      expect(c.sampleRate).toBe(SR)
      expect(c.hopSize).toBe(o.hopSize)
      expect(c.pipeline).toBe(pipeline)
      if (pipeline === 'align') expect(c.bass?.length).toBe(12 * c.frames)
      else expect(c.bass).toBeUndefined()
    }
  })

  test.each(['fmp', 'align'] as const)('%s: a pure tone lands in its pitch-class bin', (pipeline) => {
    // A3 (220 Hz, pc 9), C4 (261.6 Hz, pc 0), F#4 (370 Hz, pc 6), E5 (659.3 Hz, pc 4)
    for (const [f, pc] of [
      [220, 9],
      [261.6256, 0],
      [369.9944, 6],
      [659.2551, 4],
    ] as const) {
      const c: Chroma = computeChroma(tone(f, 2), SR, { pipeline, tuning: 0 })
      for (let t = 3; t < c.frames - 3; t++) expect(argmax(c.data, t)).toBe(pc)
    }
  })

  test('silence gives unit vectors under ℓ2 normalisation (libfmp threshold)', () => {
    const c = computeChroma(new Float32Array(SR), SR, { pipeline: 'align', tuning: 0 })
    for (const v of c.data) expect(v).toBeCloseTo(1 / Math.sqrt(12), 6)
    const f = computeChroma(new Float32Array(SR), SR, { pipeline: 'fmp', norm: 'l2' })
    for (const v of f.data) expect(v).toBeCloseTo(1 / Math.sqrt(12), 6)
  })

  test('streaming in odd chunks gives exactly the one-shot result', () => {
    const x = tone(330, 4)
    for (let i = 0; i < x.length; i++) x[i]! += 0.2 * Math.sin(i * 0.0371) * Math.sin(i * 0.00013)
    for (const pipeline of ['fmp', 'align'] as const) {
      const whole = computeChroma(x, SR, { pipeline, tuning: 12 })
      const ex = new ChromaExtractor({ pipeline, tuning: 12 })
      let i = 0
      let step = 1
      while (i < x.length) {
        ex.push(x.subarray(i, i + step))
        i += step
        step = (step * 7 + 13) % 5003
      }
      const part = ex.finish()
      expect(part.frames).toBe(whole.frames)
      expect(Array.from(part.data)).toEqual(Array.from(whole.data))
      if (pipeline === 'align') expect(Array.from(part.bass!)).toEqual(Array.from(whole.bass!))
    }
  })

  test.each(['fmp', 'align'] as const)('%s: frame t is centred on t·hop/sampleRate', (pipeline) => {
    // a burst symmetric about 1.0 s: its chroma energy over frames is symmetric about the frame whose
    // centre is at 1.0 s, so the energy-weighted mean frame time is 1.0 s
    const x = new Float32Array(2 * SR)
    for (let n = SR - 4410; n <= SR + 4410; n++) x[n] = 0.5 * Math.cos((2 * Math.PI * 440 * (n - SR)) / SR)
    for (const hop of [128, 1000]) {
      const c = computeChroma(x, SR, {
        pipeline,
        hopSize: hop,
        tuning: 0,
        logGamma: 0,
        norm: 'none',
        hpssTimeKernel: 0,
      })
      let m0 = 0
      let m1 = 0
      for (let t = 0; t < c.frames; t++) {
        let e = 0
        for (let i = 0; i < 12; i++) e += c.data[12 * t + i]!
        m0 += e
        m1 += e * (t / c.frameRate)
      }
      expect(Math.abs(m1 / m0 - 1.0)).toBeLessThan(1e-3)
    }
  })

  test('noise with equal energy per semitone gives flat chroma; white noise nearly flat', () => {
    // The expected raw chroma of random-phase noise is the sum of the chroma of its components (the
    // cross terms average out), so feed 4 tones per semitone, MIDI 20 … 110, one per frame: with
    // hop = window each frame sees exactly one tone, and the sum over frames is that expectation.
    const N = 4096
    const per = 4
    const count = 90 * per
    const x = new Float32Array((count + 2) * N)
    for (let i = 0; i < count; i++) {
      const f = 440 * 2 ** ((20 + (i + 0.5) / per - 69) / 12)
      const o = (i + 1) * N - N / 2
      for (let n = 0; n < N; n++) x[o + n] = Math.sin((2 * Math.PI * f * n) / SR)
    }
    const raw = { hopSize: N, tuning: 0, logGamma: 0, norm: 'none', hpssTimeKernel: 0 } as const
    const total = (c: Float32Array) => {
      const m = new Array(12).fill(0)
      for (let t = 0; t < c.length / 12; t++) for (let i = 0; i < 12; i++) m[i] += c[12 * t + i]!
      const avg = m.reduce((a, b) => a + b) / 12
      return m.map((v) => v / avg)
    }
    const a = computeChroma(x, SR, { pipeline: 'align', ...raw })
    for (const v of total(a.data)) expect(Math.abs(v - 1)).toBeLessThan(1e-3)
    for (const v of total(a.bass!)) expect(Math.abs(v - 1)).toBeLessThan(1e-3)
    // librosa's Gaussian chroma bumps (fmp) are not a partition of unity: flat to within 5 %
    const f = computeChroma(x, SR, { pipeline: 'fmp', ...raw })
    for (const v of total(f.data)) expect(Math.abs(v - 1)).toBeLessThan(0.05)
    // white noise has more energy per semitone at high pitch; folded into chroma it stays within 15 %
    const white = new Float32Array(3 * SR)
    let s = 11
    for (let n = 0; n < white.length; n++) {
      s = (s * 16807) % 2147483647
      white[n] = s / 2147483647 - 0.5
    }
    for (const pipeline of ['align', 'fmp'] as const) {
      const w = computeChroma(white, SR, { pipeline, ...raw, hopSize: 1024 })
      for (const v of total(w.data)) expect(Math.abs(v - 1)).toBeLessThan(0.15)
    }
  })

  test('options are merged once and validated with messages that name the option', () => {
    expect(resolveChromaOptions({ pipeline: 'fmp', hopSize: undefined }).hopSize).toBe(2048)
    expect(resolveChromaOptions().pipeline).toBe('align')
    expect(() => resolveChromaOptions({ windowSize: 1000 })).toThrow(/windowSize must be a power of two/)
    expect(() => resolveChromaOptions({ hopSize: 0 })).toThrow(/hopSize/)
    expect(() => resolveChromaOptions({ tuning: Number.NaN })).toThrow(/tuning/)
    expect(() => resolveChromaOptions({ pipeline: 'x' as 'fmp' })).toThrow(/unknown chroma pipeline "x"/)
    expect(() => new ChromaExtractor({ pipeline: 'align' })).toThrow(/estimated first/)
  })
})
