/**
 * Model probabilities onto the aligner's grid: against an independent float64 reference written from
 * times (not indices), the exact fmp → align ratio, row sums, a change point kept at its time, ends,
 * downsampling by box averages, and bad input.
 */
import { describe, expect, it } from 'vitest'
import { resampleProbabilities } from '../../../src/core/align'

/** Random rows of probabilities (each sums to 1), seeded. */
function randomProbs(frames: number, classes: number, seed = 1): Float32Array {
  let s = seed
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  const out = new Float32Array(frames * classes)
  for (let t = 0; t < frames; t++) {
    let sum = 0
    for (let k = 0; k < classes; k++) sum += out[t * classes + k] = rnd() + 1e-3
    for (let k = 0; k < classes; k++) out[t * classes + k]! /= sum
  }
  return out
}

/**
 * Reference: the value at time τ of the piecewise-linear curve through the points (i/rIn, p_i),
 * held constant before the first and after the last point. Built by scanning the times.
 */
function refInterp(p: Float32Array, C: number, Tin: number, rIn: number, tau: number): number[] {
  const times = Array.from({ length: Tin }, (_, i) => i / rIn)
  if (tau <= times[0]!) return Array.from(p.subarray(0, C))
  if (tau >= times[Tin - 1]!) return Array.from(p.subarray((Tin - 1) * C, Tin * C))
  let i = 0
  while (times[i + 1]! < tau) i++
  const w = (tau - times[i]!) / (times[i + 1]! - times[i]!)
  return Array.from({ length: C }, (_, k) => (1 - w) * p[i * C + k]! + w * p[(i + 1) * C + k]!)
}

const FMP = 22050 / 2048
const ALIGN = 22050 / 1024

describe('resampleProbabilities', () => {
  it('upsamples by linear interpolation at the frame centres (float64 reference)', () => {
    const C = 24
    const Tin = 37
    const p = randomProbs(Tin, C)
    for (const [rIn, rOut, Tout] of [
      [FMP, ALIGN, 75],
      [10, 33.3, 130],
      [7.5, 7.5, 40],
    ] as const) {
      const r = resampleProbabilities(
        { data: p, classes: C, frames: Tin, frameRate: rIn },
        { frames: Tout, frameRate: rOut },
      )
      expect(r.frames).toBe(Tout)
      expect(r.frameRate).toBe(rOut)
      for (let j = 0; j < Tout; j++) {
        const ref = refInterp(p, C, Tin, rIn, j / rOut)
        for (let k = 0; k < C; k++) expect(r.data[j * C + k]).toBeCloseTo(ref[k]!, 6)
      }
    }
  })

  it('maps fmp frames onto the align grid exactly (ratio 2): even frames copy, odd ones average', () => {
    const C = 24
    const p = randomProbs(20, C, 7)
    const r = resampleProbabilities(
      { data: p, classes: C, frames: 20, frameRate: FMP },
      { frames: 39, frameRate: ALIGN },
    )
    for (let j = 0; j < 39; j++)
      for (let k = 0; k < C; k++) {
        const want =
          j % 2 === 0 ? p[(j / 2) * C + k]! : (p[((j - 1) / 2) * C + k]! + p[((j + 1) / 2) * C + k]!) / 2
        expect(r.data[j * C + k]).toBeCloseTo(want, 7)
      }
  })

  it('keeps every row a probability distribution, up and down', () => {
    const C = 25
    const p = randomProbs(50, C, 3)
    for (const rOut of [3.1, 10, 21.5, 44.1]) {
      const r = resampleProbabilities(
        { data: p, classes: C, frames: 50, frameRate: 10 },
        { frames: Math.round(5 * rOut), frameRate: rOut },
      )
      for (let j = 0; j < r.frames; j++) {
        let s = 0
        for (let k = 0; k < C; k++) {
          expect(r.data[j * C + k]).toBeGreaterThanOrEqual(0)
          s += r.data[j * C + k]!
        }
        expect(s).toBeCloseTo(1, 5)
      }
    }
  })

  it('keeps a chord change at its time (frames are centres at t / frameRate)', () => {
    // class 0 before 2.0 s, class 1 from 2.0 s on, at the fmp rate
    const Tin = 60
    const p = new Float32Array(Tin * 2)
    for (let i = 0; i < Tin; i++) p[i * 2 + (i / FMP < 2 ? 0 : 1)] = 1
    const r = resampleProbabilities(
      { data: p, classes: 2, frames: Tin, frameRate: FMP },
      { frames: 120, frameRate: ALIGN },
    )
    // the output crosses 0.5 where the interpolated step does: between the last fmp centre before 2 s
    // and the first after it, i.e. within one fmp hop of 2.0 s, never shifted by a window or a hop
    let cross = -1
    for (let j = 1; j < 120; j++) if (r.data[j * 2 + 1]! >= 0.5 && r.data[(j - 1) * 2 + 1]! < 0.5) cross = j
    const t = cross / ALIGN
    expect(Math.abs(t - 2)).toBeLessThan(1 / FMP)
    const lastBefore = Math.floor(2 * FMP - 1e-9) / FMP
    const firstAfter = Math.ceil(2 * FMP) / FMP
    expect(t).toBeGreaterThan(lastBefore)
    expect(t).toBeLessThanOrEqual(firstAfter)
  })

  it('holds the first and last input frame beyond the input', () => {
    const p = Float32Array.from([0.2, 0.8, 0.6, 0.4])
    const r = resampleProbabilities(
      { data: p, classes: 2, frames: 2, frameRate: 1 },
      { frames: 9, frameRate: 2 },
    )
    expect(Array.from(r.data.subarray(2 * 2, 2 * 2 + 2))).toEqual([
      expect.closeTo(0.6, 6),
      expect.closeTo(0.4, 6),
    ])
    for (let j = 3; j < 9; j++) expect(r.data[j * 2]).toBeCloseTo(0.6, 6)
  })

  it('downsamples by the mean of the input frames each output frame owns', () => {
    const C = 3
    const Tin = 40
    const p = randomProbs(Tin, C, 11)
    const rIn = 20
    const rOut = 6
    const Tout = 14
    const r = resampleProbabilities(
      { data: p, classes: C, frames: Tin, frameRate: rIn },
      { frames: Tout, frameRate: rOut },
    )
    for (let j = 0; j < Tout; j++) {
      const lo = (j - 0.5) / rOut
      const hi = (j + 0.5) / rOut
      const own = Array.from({ length: Tin }, (_, i) => i).filter((i) => i / rIn >= lo && i / rIn < hi)
      if (own.length === 0) {
        // past the input's last centre (1.95 s): the last frame is held
        expect(j / rOut).toBeGreaterThan((Tin - 1) / rIn)
        for (let k = 0; k < C; k++) expect(r.data[j * C + k]).toBeCloseTo(p[(Tin - 1) * C + k]!, 6)
        continue
      }
      for (let k = 0; k < C; k++) {
        const mean = own.reduce((a, i) => a + p[i * C + k]!, 0) / own.length
        expect(r.data[j * C + k]).toBeCloseTo(mean, 6)
      }
    }
  })

  it('refuses input that does not fit, naming the problem', () => {
    const data = new Float32Array(48)
    expect(() =>
      resampleProbabilities({ data, classes: 24, frames: 3, frameRate: 10 }, { frames: 5, frameRate: 20 }),
    ).toThrow(/expected frames×classes = 72/)
    expect(() =>
      resampleProbabilities({ data, classes: 24, frames: 2, frameRate: 0 }, { frames: 5, frameRate: 20 }),
    ).toThrow(/input frameRate must be > 0/)
    expect(() =>
      resampleProbabilities(
        { data, classes: 24, frames: 2, frameRate: 10 },
        { frames: 5, frameRate: Number.NaN },
      ),
    ).toThrow(/grid frameRate/)
    expect(() =>
      resampleProbabilities(
        { data: new Float32Array(0), classes: 24, frames: 0, frameRate: 10 },
        { frames: 5, frameRate: 20 },
      ),
    ).toThrow(/no frames/)
  })
})
