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
})
