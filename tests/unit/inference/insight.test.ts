/**
 * Insight computations: the expected alignment E against the independent float64 soft-DTW reference
 * of the DTW tests, class sequences back to segments, and the target distribution counts.
 */
import { describe, expect, it } from 'vitest'
import { classesToSegments, expectedAlignment, targetDistributions } from '../../../src/backend/inference'
import type { Recording } from '../../../src/core/model'
import { REF_SEED, refGrad, refOptions, refValue } from '../dtw/reference'

/** Random probability rows over 24 classes. */
function probs(frames: number, seed: number): Float32Array {
  let s = seed
  const rnd = () => (s = (s * 48271) % 2147483647) / 2147483647
  const out = new Float32Array(frames * 24)
  for (let t = 0; t < frames; t++) {
    let sum = 0
    for (let k = 0; k < 24; k++) sum += out[t * 24 + k] = rnd() ** 3
    for (let k = 0; k < 24; k++) out[t * 24 + k]! /= sum
  }
  return out
}

describe('expectedAlignment', () => {
  it('is the gradient of soft-DTW with the seed cost ‖p_i − y_j‖² and steps (float64 reference)', () => {
    const N = 23
    const p = probs(N, 5)
    // typed: C, then A:min7 (→ A:min), sus4 (left out), G/B (→ G:maj), N (left out)
    const r = expectedAlignment({ data: p, frames: N, frameRate: 10, classes: 24 }, 'C Am7 Csus4 G/B N', 0.7)
    expect(r.labels).toEqual(['C:maj', 'A:min7', 'G:maj/3'])
    expect(r.skipped).toEqual(['C:sus4', 'N'])
    const classes = [0, 21, 7]
    const M = 3
    const C: number[] = []
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) {
        let d = 0
        for (let k = 0; k < 24; k++) d += (p[i * 24 + k]! - (k === classes[j] ? 1 : 0)) ** 2
        C.push(d)
      }
    const o = refOptions({ gamma: 0.7, steps: REF_SEED })
    expect(r.value).toBeCloseTo(refValue(C, N, M, o), 5)
    const G = refGrad(C, N, M, o)
    for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) expect(r.E[i * M + j]).toBeCloseTo(G[i]![j]!, 5)
    // the hard path is a DTW path of the seed's steps from corner to corner
    expect(r.path[0]).toEqual([0, 0])
    expect(r.path.at(-1)).toEqual([N - 1, M - 1])
    const hard = refValue(C, N, M, refOptions({ gamma: 0, steps: REF_SEED }))
    expect(r.hardValue).toBeCloseTo(hard, 6)
    let onPath = 0
    for (const [i, j] of r.path) onPath += C[i * M + j]!
    expect(onPath).toBeCloseTo(hard, 6)
  })

  it('says why a sequence cannot be aligned', () => {
    const p = { data: probs(3, 1), frames: 3, frameRate: 10, classes: 24 }
    expect(() => expectedAlignment(p, 'N Csus4')).toThrow(/no major or minor chord/)
    expect(() => expectedAlignment(p, 'C G Am F')).toThrow(/4 chords but the recording only 3 model frames/)
    expect(() => expectedAlignment(p, 'C Hm')).toThrow(/errors/)
  })
})

describe('classesToSegments', () => {
  it('gives frame t the interval [(t − ½)/r, (t + ½)/r), the first from 0 and the last to the end', () => {
    const segs = classesToSegments([0, 0, 21, 21, 21, 24], 2, 3.1)
    expect(segs).toEqual([
      { start: 0, end: 0.75, label: 'C:maj' },
      { start: 0.75, end: 2.25, label: 'A:min' },
      { start: 2.25, end: 3.1, label: 'N' },
    ])
  })
})

describe('targetDistributions', () => {
  it('counts strong, coarse and padded targets of the 150-frame training segments', () => {
    // 300 chord frames: C for 100, G for 100, A:min for 100 → two segments [C×100 G×50], [G×50 Am×100]
    const strong = new Int8Array(300)
    for (let t = 0; t < 300; t++) strong[t] = t < 100 ? 0 : t < 200 ? 7 : 21
    const r: Recording = {
      id: 'x',
      x: new Float32Array(300 * 12),
      frames: 300,
      frameRate: 10,
      strong,
      sequence: null,
    }
    const d = targetDistributions([r], [4, 16])
    expect(d.segments).toBe(2)
    const row = (n: string) => d.rows.find((x) => x.name === n)!
    expect(row('strong (150 frames)')).toMatchObject({ major: 200, minor: 100, noChord: 0, total: 300 })
    expect(row('coarse (no padding)')).toMatchObject({ major: 3, minor: 1, total: 4 })
    // uniform to 4: [C C G G], [G G Am Am]; last to 4: [C G G G], [G Am Am Am]
    expect(row('soft 4, uniform')).toMatchObject({ major: 6, minor: 2, total: 8 })
    expect(row('soft 4, last')).toMatchObject({ major: 5, minor: 3, total: 8 })
    expect(row('soft 16, last').perClass[21]).toBe(15)
    expect(row('soft 16, uniform').perClass[21]).toBe(8)
  })
})
