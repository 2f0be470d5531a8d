/**
 * Per-frame level, onset strength, sample count and duration carried by `Chroma`, against direct
 * float64 computations.
 */
import { describe, expect, test } from 'vitest'
import {
  ChromaExtractor,
  computeChroma,
  LEVEL_FLOOR_DB,
  ONSET_GAMMA,
  ONSET_MAX_HZ,
  onsetWindowSize,
  resolveChromaOptions,
} from '../../../src/core/features'

const SR = 22050

/** Level of every centred frame, written from the definition: Hann-weighted mean square in dB over
 *  min(window, 2·hop) samples centred on t·hop. */
function directLevels(x: Float32Array, window: number, hop: number): number[] {
  const N = Math.min(window, 2 * hop)
  const T = 1 + Math.floor(x.length / hop)
  const w = Array.from({ length: N }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N)) // periodic Hann
  const ws = w.reduce((a, b) => a + b, 0)
  const out: number[] = []
  for (let t = 0; t < T; t++) {
    let acc = 0
    for (let n = 0; n < N; n++) {
      const i = t * hop - N / 2 + n
      const v = i >= 0 && i < x.length ? x[i]! : 0
      acc += w[n]! * v * v
    }
    out.push(Math.max(LEVEL_FLOOR_DB, 10 * Math.log10(acc / ws)))
  }
  return out
}

/** A test signal: silence, a sine swelling from −60 to −6 dB, noise, silence. */
function signal(): Float32Array {
  const x = new Float32Array(Math.round(3.3 * SR))
  let s = 7
  for (let n = 0; n < x.length; n++) {
    const t = n / SR
    if (t >= 0.5 && t < 2)
      x[n] = 10 ** ((-60 + 54 * ((t - 0.5) / 1.5)) / 20) * Math.sin(2 * Math.PI * 330 * t)
    else if (t >= 2 && t < 2.8) {
      s = (s * 16807) % 2147483647
      x[n] = 0.1 * (s / 2147483647 - 0.5)
    }
  }
  return x
}

describe('Chroma.levelDb', () => {
  test.each(['fmp', 'align'] as const)(
    '%s: one level per frame, equal to the direct computation',
    (pipeline) => {
      const x = signal()
      const c = computeChroma(x, SR, { pipeline, tuning: 0 })
      const o = resolveChromaOptions({ pipeline })
      const ref = directLevels(x, o.windowSize, o.hopSize)
      expect(c.levelDb).toBeInstanceOf(Float32Array)
      expect(c.levelDb!.length).toBe(c.frames)
      expect(ref.length).toBe(c.frames)
      let worst = 0
      for (let t = 0; t < c.frames; t++) {
        if (ref[t]! <= LEVEL_FLOOR_DB) expect(c.levelDb![t]).toBe(LEVEL_FLOOR_DB)
        else worst = Math.max(worst, Math.abs(c.levelDb![t]! - ref[t]!))
      }
      expect(worst).toBeLessThan(1e-3) // float32 storage of the dB value
      expect(c.samples).toBe(x.length)
      expect(c.duration).toBe(x.length / SR)
    },
  )

  test('a sinusoid of amplitude a reads 20·log10(a) − 3.01 dB; digital silence the floor', () => {
    for (const a of [1, 0.1, 0.001]) {
      const x = Float32Array.from({ length: 2 * SR }, (_, n) => a * Math.sin((2 * Math.PI * 440 * n) / SR))
      const c = computeChroma(x, SR, { pipeline: 'align', tuning: 0 })
      const mid = c.levelDb![Math.floor(c.frames / 2)]!
      expect(mid).toBeCloseTo(20 * Math.log10(a) - 10 * Math.log10(2), 2)
    }
    const z = computeChroma(new Float32Array(SR), SR, { pipeline: 'align', tuning: 0 })
    expect(Array.from(z.levelDb!).every((v) => v === LEVEL_FLOOR_DB)).toBe(true)
  })

  test('windows of 2·hop tile the signal: a step in level shows within a hop of where it is', () => {
    // 1 s of silence, then a tone: the frame centred one hop before the onset sees none of it
    const x = new Float32Array(2 * SR)
    for (let n = SR; n < x.length; n++) x[n] = 0.5 * Math.sin((2 * Math.PI * 440 * n) / SR)
    const c = computeChroma(x, SR, { pipeline: 'align', tuning: 0 })
    const onset = SR / c.hopSize // frame index of 1.0 s (21.53…)
    for (let t = 0; t < c.frames; t++) {
      if (t <= Math.floor(onset) - 1) expect(c.levelDb![t]).toBe(LEVEL_FLOOR_DB)
      if (t >= Math.ceil(onset) + 1 && t < c.frames - 1) expect(c.levelDb![t]!).toBeGreaterThan(-9.1) // −9.03 dB
      if (t === c.frames - 1) expect(c.levelDb![t]!).toBeLessThan(-9.1) // half of its window is padding
    }
  })

  test('the level does not depend on compression or normalisation, only on the samples', () => {
    const x = signal()
    const a = computeChroma(x, SR, { pipeline: 'align', tuning: 0 })
    const b = computeChroma(x, SR, { pipeline: 'align', tuning: 0, logGamma: 0, norm: 'none' })
    expect(Array.from(b.levelDb!)).toEqual(Array.from(a.levelDb!))
    const louder = computeChroma(
      x.map((v) => v * 10),
      SR,
      { pipeline: 'align', tuning: 0 },
    )
    for (let t = 0; t < a.frames; t++)
      if (a.levelDb![t]! > LEVEL_FLOOR_DB + 40)
        expect(louder.levelDb![t]! - a.levelDb![t]!).toBeCloseTo(20, 3)
  })

  test('streaming in odd chunks gives the same levels; resampled input keeps its exact duration', () => {
    const x = signal()
    const whole = computeChroma(x, SR, { pipeline: 'align', tuning: 5 })
    const ex = new ChromaExtractor({ pipeline: 'align', tuning: 5 })
    for (let i = 0, step = 1; i < x.length; i += step, step = (step * 7 + 13) % 3001)
      ex.push(x.subarray(i, i + step))
    const part = ex.finish()
    expect(Array.from(part.levelDb!)).toEqual(Array.from(whole.levelDb!))
    expect(part.samples).toBe(whole.samples)
    // 44.1 kHz input: the analysis-rate signal is ⌈n/2⌉ samples, the duration is the input's own
    const y = Float32Array.from({ length: 44101 }, (_, n) => Math.sin(n * 0.01))
    const r = computeChroma(y, 44100, { pipeline: 'fmp' })
    expect(r.samples).toBe(22051)
    expect(r.duration).toBe(44101 / 44100)
    expect(r.frames).toBe(1 + Math.floor(22051 / 2048))
  })
})

/** Onset strength from the definition: direct DFT of a centred Hann window, positive log-magnitude flux. */
function directOnset(x: Float32Array, hop: number, sr: number): number[] {
  const W = onsetWindowSize(hop)
  const T = 1 + Math.floor(x.length / hop)
  const w = Array.from({ length: W }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / W))
  const K = Math.min(W / 2 + 1, Math.floor((ONSET_MAX_HZ * W) / sr) + 1)
  let prev: number[] = []
  const out: number[] = []
  for (let t = 0; t < T; t++) {
    const cur: number[] = []
    for (let k = 0; k < K; k++) {
      let re = 0
      let im = 0
      for (let n = 0; n < W; n++) {
        const i = t * hop - W / 2 + n
        const v = i >= 0 && i < x.length ? w[n]! * x[i]! : 0
        re += v * Math.cos((2 * Math.PI * k * n) / W)
        im -= v * Math.sin((2 * Math.PI * k * n) / W)
      }
      cur.push(Math.log1p((ONSET_GAMMA * 4 * Math.hypot(re, im)) / W))
    }
    let f = 0
    if (t > 0) for (let k = 1; k < K; k++) f += Math.max(0, cur[k]! - prev[k]!)
    out.push(f)
    prev = cur
  }
  return out
}

describe('Chroma.onset', () => {
  // notes starting at 0.3, 0.62 and 0.9 s, each decaying
  const x = new Float32Array(Math.round(1.2 * SR))
  for (const [t0, f] of [
    [0.3, 440],
    [0.62, 330],
    [0.9, 523.25],
  ] as const)
    for (let n = Math.round(t0 * SR); n < x.length; n++) {
      const t = n / SR - t0
      x[n]! += 0.3 * Math.exp(-t / 0.15) * Math.sin(2 * Math.PI * f * t)
    }

  test.each([256, 300])(
    'hop %i: equals the direct computation (window = largest power of two ≤ hop)',
    (hop) => {
      const c = computeChroma(x, SR, { pipeline: 'fmp', hopSize: hop, windowSize: 1024, tuning: 0 })
      const ref = directOnset(x, hop, SR)
      expect(onsetWindowSize(hop)).toBe(256)
      expect(c.onset!.length).toBe(c.frames)
      expect(c.onset![0]).toBe(0)
      for (let t = 0; t < c.frames; t++)
        expect(Math.abs(c.onset![t]! - ref[t]!)).toBeLessThan(1e-3 * (1 + ref[t]!))
    },
  )

  test('peaks where the notes start, in both pipelines, and streams like the rest', () => {
    for (const pipeline of ['align', 'fmp'] as const) {
      const c = computeChroma(x, SR, { pipeline, tuning: 0 })
      const o = Array.from(c.onset!)
      const hop = c.hopSize / SR
      for (const t0 of [0.3, 0.62, 0.9]) {
        const near = Math.round(t0 / hop)
        const local = o.slice(near - 1, near + 3)
        // the strongest onset around the note is within one hop of its start
        const at = near - 1 + local.indexOf(Math.max(...local))
        expect(Math.abs(at * hop - t0)).toBeLessThanOrEqual(hop)
        expect(Math.max(...local)).toBeGreaterThan(3 * (o[Math.round((t0 + 0.2) / hop)] ?? 0))
      }
    }
    const whole = computeChroma(x, SR, { pipeline: 'align', tuning: 3 })
    const ex = new ChromaExtractor({ pipeline: 'align', tuning: 3 })
    for (let i = 0, step = 7; i < x.length; i += step, step = (step * 5 + 11) % 2999)
      ex.push(x.subarray(i, i + step))
    expect(Array.from(ex.finish().onset!)).toEqual(Array.from(whole.onset!))
  })
})
