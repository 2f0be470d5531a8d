/** Template evidence and silence detection against direct float64 computations. */
import { describe, expect, test } from 'vitest'
import { chordTemplate, frameFeatures, TRIADS, templateScores } from '../../../src/core/align'
import { blockFeatures } from '../../../src/core/align/emissions'
import { rng } from '../../helpers/synthChroma'

function randomChroma(T: number, seed: number) {
  const r = rng(seed)
  const data = new Float32Array(T * 12).map(() => r())
  const bass = new Float32Array(T * 12).map(() => r())
  return { data, bass, frames: T, frameRate: 21.5 }
}

const norm = (v: number[]) => {
  const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0))
  return v.map((x) => (n > 0 ? x / n : 0))
}

describe('chordTemplate', () => {
  test('full quality, extensions folded, bass as an absolute pitch class', () => {
    expect(chordTemplate('A:min7')).toMatchObject({ pcs: [0, 4, 7, 9], bass: 9, cls: 21 })
    expect(chordTemplate('C:maj/3')).toMatchObject({ pcs: [0, 4, 7], bass: 4, cls: 0 })
    expect(chordTemplate('C:9').pcs).toEqual([0, 2, 4, 7, 10])
    expect(chordTemplate('E:sus4').cls).toBe(4) // nearest triad: E major
    expect(chordTemplate('B:dim').cls).toBe(12 + 11) // B minor
    expect(chordTemplate('N').kind).toBe('N')
  })
})

describe('templateScores', () => {
  test('cosine of the treble chroma with the binary template + 0.5 × bass share, any shift', () => {
    const ch = randomChroma(50, 3)
    const f = frameFeatures(ch)
    for (const [label, shift] of [
      ['A:min7', 0],
      ['C:maj/3', 1],
      ['F#:7', -1],
    ] as const) {
      const tpl = chordTemplate(label)
      const s = templateScores(f, tpl, shift)
      for (let t = 0; t < 50; t++) {
        const x = norm(Array.from(ch.data.slice(t * 12, t * 12 + 12)))
        const b = norm(Array.from(ch.bass.slice(t * 12, t * 12 + 12)))
        const w = new Array(12).fill(0)
        for (const p of tpl.pcs) w[(p + shift + 12) % 12] = 1
        const tn = norm(w)
        const expected = x.reduce((a, v, i) => a + v * tn[i]!, 0) + 0.5 * b[(tpl.bass + shift + 12) % 12]!
        expect(s[t]).toBeCloseTo(expected, 12)
      }
    }
  })
  test('X scores the best triad; no bass chroma means no bass term', () => {
    const ch = randomChroma(20, 4)
    const f = frameFeatures(ch)
    const x = templateScores(f, chordTemplate('X'))
    const tri = TRIADS.map((t) => templateScores(f, t))
    for (let t = 0; t < 20; t++) expect(x[t]).toBeCloseTo(Math.max(...tri.map((s) => s[t]!)), 12)
    const noBass = frameFeatures({ ...ch, bass: undefined })
    expect(noBass.bassWeight).toBe(0)
    expect(Math.max(...templateScores(noBass, chordTemplate('C:maj')))).toBeLessThanOrEqual(1 + 1e-12)
  })
})

describe('silence', () => {
  test('a flat (ℓ2-normalised silent) frame and a quiet frame count as silent, a chord does not', () => {
    const T = 4
    const data = new Float32Array(T * 12)
    data.fill(1 / Math.sqrt(12), 0, 12) // frame 0: uniform, as the align pipeline writes silence
    for (const p of [0, 4, 7]) data[12 + p] = 1 // frame 1: C major, loud
    for (const p of [0, 4, 7]) data[24 + p] = 0.001 // frame 2: C major, 60 dB down
    for (const p of [2, 7, 11]) data[36 + p] = 1 // frame 3: G major, loud
    const f = frameFeatures({ data, frames: T, frameRate: 10 })
    expect(Array.from(f.silence)).toEqual([1, 0, 1, 0])
    const n = templateScores(f, chordTemplate('N'))
    expect(n[0]).toBe(1) // full score in silence
    expect(n[1]).toBeCloseTo(0.5, 12) // the no-chord level elsewhere
  })
})

describe('blockFeatures', () => {
  test('scores of block-summed features are the block sums of the frame scores (chords and N)', () => {
    const ch = randomChroma(23, 8)
    const f = frameFeatures(ch)
    for (let t = 0; t < 23; t += 5) f.silence[t] = 0.7 // some partly silent frames
    const fq = blockFeatures(f, 4)
    expect(fq.frames).toBe(6)
    for (const label of ['A:min7', 'N', 'C:maj/3']) {
      const fine = templateScores(f, chordTemplate(label), 1)
      const coarse = templateScores(fq, chordTemplate(label), 1)
      for (let b = 0; b < 6; b++) {
        let sum = 0
        for (let t = 4 * b; t < Math.min(23, 4 * b + 4); t++) sum += fine[t]!
        expect(coarse[b]).toBeCloseTo(sum, 12)
      }
    }
  })
})
