import { describe, expect, test } from 'vitest'
import { estimateTuning, TuningEstimator } from '../../../src/core/features'

const SR = 22050

/** A sequence of harmonic notes (6 partials, 1/h amplitudes) on a grid detuned by `cents`. */
function melody(cents: number, seconds = 8, seed = 1): Float32Array {
  const x = new Float32Array(seconds * SR)
  const notes = [57, 60, 64, 67, 62, 65, 69, 59, 55, 72, 48, 52]
  const dur = SR / 2
  let s = seed
  for (let k = 0; k * dur < x.length; k++) {
    const p = notes[k % notes.length]!
    const f0 = 440 * 2 ** ((p - 69 + cents / 100) / 12)
    for (let h = 1; h <= 6; h++) {
      s = (s * 16807) % 2147483647
      const ph = (2 * Math.PI * s) / 2147483647
      for (let n = k * dur; n < Math.min(x.length, (k + 1) * dur); n++)
        x[n]! += (0.2 / h) * Math.sin((2 * Math.PI * h * f0 * n) / SR + ph)
    }
  }
  return x
}

describe('tuning estimation', () => {
  test.each([0, 40, -23, 12.5, 47, -47])('a melody tuned %f cents from A440 reads within 1 cent', (cents) => {
    const t = estimateTuning(melody(cents), SR)
    expect(Math.abs(t.cents - cents)).toBeLessThan(1)
    expect(t.confidence).toBeGreaterThan(0.8)
    expect(t.margin).toBeCloseTo(50 - Math.abs(t.cents), 9)
    expect(t.peaks).toBeGreaterThan(50)
  })

  test('56 cents flat reads as 44 cents sharp one semitone down; the alternative says so', () => {
    const t = estimateTuning(melody(-56), SR)
    expect(t.cents).toBeGreaterThan(43)
    expect(t.cents).toBeLessThan(45)
    expect(t.alternative).toBeCloseTo(t.cents - 100, 9)
    expect(t.margin).toBeLessThan(7)
  })

  test('silence has no evidence; white noise has little', () => {
    const z = estimateTuning(new Float32Array(SR * 2), SR)
    expect(z).toEqual({ cents: 0, confidence: 0, margin: 50, alternative: -100, peaks: 0 })
    const x = new Float32Array(SR * 4)
    let s = 5
    for (let i = 0; i < x.length; i++) {
      s = (s * 16807) % 2147483647
      x[i] = s / 2147483647 - 0.5
    }
    expect(estimateTuning(x, SR).confidence).toBeLessThan(0.2)
  })

  test('streaming in chunks gives the one-shot estimate exactly', () => {
    const x = melody(31, 5)
    const whole = estimateTuning(x, SR)
    const te = new TuningEstimator(SR)
    for (let i = 0; i < x.length; i += 777) te.push(x.subarray(i, i + 777))
    expect(te.finish()).toEqual(whole)
  })
})
