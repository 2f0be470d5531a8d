/** Recognition: the O(T·S) uniform-transition HMM against textbook O(T·S²) recursions, and on synthetic chroma. */
import { describe, expect, test } from 'vitest'
import { posteriorUniform, recognizeChords, viterbiUniform } from '../../../src/core/align'
import { rng, synthChroma } from '../../helpers/synthChroma'

function randomB(seed: number, T: number, S: number): Float64Array {
  const r = rng(seed)
  const B = new Float64Array(T * S)
  for (let i = 0; i < B.length; i++) B[i] = r() ** 3 + 1e-3
  return B
}

function transition(S: number, p: number): number[][] {
  return Array.from({ length: S }, (_, i) =>
    Array.from({ length: S }, (_, j) => (i === j ? p : (1 - p) / (S - 1))),
  )
}

/** libfmp viterbi_log_likelihood, written out with the full matrix. */
function bruteViterbi(B: Float64Array, T: number, S: number, p: number): { path: number[]; score: number } {
  const A = transition(S, p)
  const D: number[][] = [Array.from({ length: S }, (_, k) => Math.log(1 / S) + Math.log(B[k]!))]
  const E: number[][] = []
  for (let t = 1; t < T; t++) {
    const row: number[] = []
    const er: number[] = []
    for (let i = 0; i < S; i++) {
      let best = -Infinity
      let arg = 0
      for (let j = 0; j < S; j++) {
        const v = D[t - 1]![j]! + Math.log(A[j]![i]!)
        if (v > best) {
          best = v
          arg = j
        }
      }
      row.push(best + Math.log(B[t * S + i]!))
      er.push(arg)
    }
    D.push(row)
    E.push(er)
  }
  const path = new Array<number>(T)
  let b = 0
  for (let k = 1; k < S; k++) if (D[T - 1]![k]! > D[T - 1]![b]!) b = k
  path[T - 1] = b
  for (let t = T - 1; t > 0; t--) path[t - 1] = E[t - 1]![path[t]!]!
  return { path, score: D[T - 1]![b]! }
}

function pathScore(B: Float64Array, S: number, p: number, path: ArrayLike<number>): number {
  const A = transition(S, p)
  let s = Math.log(1 / S) + Math.log(B[path[0]!]!)
  for (let t = 1; t < path.length; t++)
    s += Math.log(A[path[t - 1]!]![path[t]!]!) + Math.log(B[t * S + path[t]!]!)
  return s
}

describe('uniform-transition HMM', () => {
  test.each([
    [1, 60, 5, 0.15],
    [2, 80, 25, 0.9],
    [3, 40, 24, 0.01],
  ])('seed %i: Viterbi equals the O(T·S²) recursion (T=%i, S=%i, p=%f)', (seed, T, S, p) => {
    const B = randomB(seed, T, S)
    const ours = viterbiUniform(B, T, S, p)
    const ref = bruteViterbi(B, T, S, p)
    expect(pathScore(B, S, p, ours)).toBeCloseTo(ref.score, 9)
  })
  test('posterior equals the full-matrix forward–backward', () => {
    const T = 30
    const S = 6
    const p = 0.7
    const B = randomB(9, T, S)
    const A = transition(S, p)
    const alpha: number[][] = [Array.from({ length: S }, (_, k) => B[k]! / S)]
    for (let t = 1; t < T; t++)
      alpha.push(
        Array.from({ length: S }, (_, i) => {
          let v = 0
          for (let j = 0; j < S; j++) v += alpha[t - 1]![j]! * A[j]![i]!
          return v * B[t * S + i]!
        }),
      )
    const beta: number[][] = new Array(T)
    beta[T - 1] = new Array(S).fill(1)
    for (let t = T - 2; t >= 0; t--)
      beta[t] = Array.from({ length: S }, (_, i) => {
        let v = 0
        for (let j = 0; j < S; j++) v += A[i]![j]! * B[(t + 1) * S + j]! * beta[t + 1]![j]!
        return v
      })
    const post = posteriorUniform(B, T, S, p)
    for (let t = 0; t < T; t++) {
      const z = alpha[t]!.reduce((a, v, k) => a + v * beta[t]![k]!, 0)
      for (let k = 0; k < S; k++) expect(post[t * S + k]).toBeCloseTo((alpha[t]![k]! * beta[t]![k]!) / z, 10)
    }
  })
})

describe('recognizeChords', () => {
  test('recovers the triads, N and the boundaries of clean synthetic chroma', () => {
    const spec = [
      ['N', 20],
      ['C:maj', 40],
      ['A:min', 30],
      ['F#:maj', 35],
      ['Eb:min', 30],
      ['N', 15],
    ] as const
    const ch = synthChroma(
      spec.map(([label, frames]) => ({ label, frames })),
      { noise: 0.2 },
    )
    const r = recognizeChords(ch)
    expect(r.segments.map((s) => s.label)).toEqual(['N', 'C:maj', 'A:min', 'F#:maj', 'D#:min', 'N'])
    for (let i = 1; i < r.segments.length; i++)
      expect(r.segments[i]!.start).toBeCloseTo((ch.bounds[i]! - 0.5) / ch.frameRate, 9)
    expect(r.segments[r.segments.length - 1]!.end).toBeCloseTo(r.duration, 12)
    // a clear chord held for 1.4–1.9 s is a confident segment
    for (const s of r.segments) expect(s.confidence).toBeGreaterThan(0.8)
    const noisy = recognizeChords(synthChroma([{ label: 'C:maj', frames: 40 }], { noise: 1.5 }), {
      noChord: false,
    })
    const clean = recognizeChords(synthChroma([{ label: 'C:maj', frames: 40 }], { noise: 0.1 }), {
      noChord: false,
    })
    expect(clean.segments[0]!.confidence).toBeGreaterThan(noisy.segments[0]!.confidence)
  })
  test("confidence is the softmax of the segment's summed evidence over the labels, as alignment weighs it", () => {
    // C major and A minor share C and E: a frame sounding C, E, G and A equally fits both triads alike
    const T = 40
    const chroma = { frames: T, frameRate: 20, data: new Float32Array(T * 12) }
    for (let t = 0; t < T; t++) for (const p of [0, 4, 7, 9]) chroma.data[t * 12 + p] = 0.5
    const r = recognizeChords(chroma, { noChord: false })
    expect(r.segments).toHaveLength(1)
    expect(['C:maj', 'A:min']).toContain(r.segments[0]!.label)
    // the two tie, the 22 others are far behind: each of the two gets about one half
    expect(r.segments[0]!.confidence).toBeGreaterThan(0.45)
    expect(r.segments[0]!.confidence).toBeLessThan(0.5)
    // independent check: softmax over the 24 triads of 20 nats/s × similarity × 2 s
    const sims: number[] = []
    for (let root = 0; root < 12; root++)
      for (const third of [4, 3]) {
        const pcs = [root, (root + third) % 12, (root + 7) % 12]
        sims.push(pcs.reduce((a, p) => a + ([0, 4, 7, 9].includes(p) ? 0.5 : 0), 0) / Math.sqrt(3))
      }
    const w = (20 / 20) * T
    const best = Math.max(...sims)
    const z = sims.reduce((a, x) => a + Math.exp(w * (x - best)), 0)
    expect(r.segments[0]!.confidence).toBeCloseTo(1 / z, 2)
  })
  test('higher self-transition probability gives fewer segments on noisy chroma', () => {
    const ch = synthChroma([{ label: 'G:maj', frames: 200 }], { noise: 1.5, seed: 2 })
    const loose = recognizeChords(ch, { selfTransition: 0.05 }).segments.length
    const tight = recognizeChords(ch, { selfTransition: 0.99 }).segments.length
    expect(tight).toBeLessThan(loose)
    expect(tight).toBe(1)
  })
  test('bad options and empty input are clear errors', () => {
    const ch = synthChroma([{ label: 'G:maj', frames: 5 }])
    expect(() => recognizeChords(ch, { selfTransition: 2 })).toThrow(/selfTransition/)
    expect(() => recognizeChords({ ...ch, frames: 0, data: new Float32Array(0) })).toThrow(/no audio frames/)
  })
})
