/**
 * The explicit-duration Viterbi and its banded forward–backward against brute force written
 * independently here: an O(K·n²) textbook recursion, and enumeration of every segmentation.
 */
import { describe, expect, test } from 'vitest'
import {
  concaveEnvelope,
  durationKernel,
  logDurationPrior,
  oneSidedKernel,
} from '../../../src/core/align/duration'
import { type HsmmProblem, hsmmPosterior, hsmmScore, hsmmViterbi } from '../../../src/core/align/hsmm'

function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function cumsum(x: number[]): Float64Array {
  const c = new Float64Array(x.length + 1)
  for (let i = 0; i < x.length; i++) c[i + 1] = c[i]! + x[i]!
  return c
}

function randomProblem(
  seed: number,
  n: number,
  K: number,
  leadN: boolean,
  trailN: boolean,
  openEnds = false,
): HsmmProblem {
  const r = rng(seed)
  const cum = Array.from({ length: K }, () => cumsum(Array.from({ length: n }, () => r() * 3)))
  const kernel = durationKernel(n / Math.max(K, 1), n)
  return {
    n,
    cum,
    cumN: cumsum(Array.from({ length: n }, () => r() * 3)),
    kernel,
    firstKernel: openEnds ? oneSidedKernel(kernel) : undefined,
    lastKernel: openEnds ? oneSidedKernel(kernel) : undefined,
    leadN,
    trailN,
    nPenalty: 0.7,
  }
}

/** Kernel of chord k (0-based) of K, as the model defines it. */
function kernelAt(p: HsmmProblem, k: number, K: number): Float64Array {
  if (k === K - 1 && p.lastKernel) return p.lastKernel
  if (k === 0 && p.firstKernel) return p.firstKernel
  return p.kernel
}

/** Textbook recursion over every start s < t (no Monge shortcut), float64. */
function bruteViterbi(p: HsmmProblem): number {
  const { n, cum } = p
  const K = cum.length
  let prev = new Array<number>(n + 1).fill(-Infinity)
  for (let s = 0; s <= n; s++)
    prev[s] = p.leadN ? p.cumN![s]! - (s > 0 ? p.nPenalty : 0) : s === 0 ? 0 : -Infinity
  for (let k = 0; k < K; k++) {
    const cur = new Array<number>(n + 1).fill(-Infinity)
    for (let t = 1; t <= n; t++)
      for (let s = 0; s < t; s++)
        cur[t] = Math.max(cur[t]!, prev[s]! + cum[k]![t]! - cum[k]![s]! + kernelAt(p, k, K)[t - s]!)
    prev = cur
  }
  let best = -Infinity
  for (let t = 0; t <= n; t++) {
    const tail = p.trailN ? p.cumN![n]! - p.cumN![t]! - (t < n ? p.nPenalty : 0) : t === n ? 0 : -Infinity
    best = Math.max(best, prev[t]! + tail)
  }
  return best
}

/** Every feasible bounds vector b_0 ≤ b_1 < … < b_K ≤ n. */
function* allBounds(p: HsmmProblem): Generator<number[]> {
  const K = p.cum.length
  const n = p.n
  const rec = function* (j: number, acc: number[]): Generator<number[]> {
    if (j > K) {
      yield acc
      return
    }
    const from = j === 0 ? 0 : acc[j - 1]! + 1
    for (let b = from; b <= n - (K - j); b++) {
      if (j === 0 && !p.leadN && b !== 0) continue
      if (j === K && !p.trailN && b !== n) continue
      yield* rec(j + 1, [...acc, b])
    }
  }
  yield* rec(0, [])
}

describe('duration kernel', () => {
  test('concave envelope: concave, never below the log prior, equal to it below the mode', () => {
    const y = logDurationPrior(40, 400)
    const e = concaveEnvelope(y)
    for (let d = 1; d <= 400; d++) expect(e[d]!).toBeGreaterThanOrEqual(y[d]! - 1e-9)
    for (let d = 2; d < 400; d++) expect(e[d - 1]! + e[d + 1]! - 2 * e[d]!).toBeLessThanOrEqual(1e-9)
    for (let d = 12; d <= 30; d++) expect(e[d]).toBeCloseTo(y[d]!, 9)
    // the mixture is a proper prior: it integrates to ~1 over durations
    let mass = 0
    for (let d = 1; d <= 400; d++) mass += Math.exp(y[d]!)
    expect(mass).toBeGreaterThan(0.9)
    expect(mass).toBeLessThan(1.01)
  })
  test('kernel: concave for every length, independent of the region length, ≥ prior within 6 medians', () => {
    const k1 = durationKernel(40, 300)
    const k2 = durationKernel(40, 1000)
    const y = logDurationPrior(40, 240)
    for (let d = 1; d <= 300; d++) expect(k2[d]).toBe(k1[d])
    for (let d = 2; d < 1000; d++) expect(k2[d - 1]! + k2[d + 1]! - 2 * k2[d]!).toBeLessThanOrEqual(1e-9)
    for (let d = 1; d <= 240; d++) {
      expect(k1[d]!).toBeGreaterThanOrEqual(y[d]! - 1e-9)
      expect(k1[d]! - y[d]!).toBeLessThan(2)
    }
  })
})

describe('hsmmViterbi', () => {
  test.each([
    [1, 40, 5, true, true],
    [2, 60, 9, false, false],
    [3, 33, 1, true, false],
    [4, 25, 12, false, true],
    [5, 80, 3, true, true],
    [6, 12, 12, false, false],
    [7, 70, 6, true, true, true],
    [8, 50, 1, true, true, true],
    [9, 45, 4, false, true, true],
  ])(
    'seed %i: n=%i K=%i lead=%s trail=%s open=%s equals the O(K·n²) recursion',
    (seed, n, K, lead, trail, open = false) => {
      const p = randomProblem(seed, n, K, lead, trail, open)
      const v = hsmmViterbi(p)
      expect(v.score).toBeCloseTo(bruteViterbi(p), 9)
      expect(hsmmScore(p, v.bounds)).toBeCloseTo(v.score, 9)
    },
  )
  test('checkpointed backtracking (small backpointer budget) gives the same path', () => {
    for (const [seed, n, K] of [
      [21, 90, 17],
      [22, 60, 4],
      [23, 50, 49],
    ] as const) {
      const p = randomProblem(seed, n, K, true, true, true)
      const full = hsmmViterbi(p)
      const small = hsmmViterbi(p, 3 * (n + 1))
      expect(Array.from(small.bounds)).toEqual(Array.from(full.bounds))
      expect(small.score).toBe(full.score)
      expect(hsmmScore(p, small.bounds)).toBeCloseTo(small.score, 9)
    }
  })
  test('K > n is infeasible; K = 0 is all N', () => {
    expect(hsmmViterbi(randomProblem(1, 3, 4, true, true)).score).toBe(-Infinity)
    const p = randomProblem(1, 10, 0, true, true)
    expect(hsmmViterbi(p).score).toBeCloseTo(p.cumN![10]! - p.nPenalty, 12)
  })
})

describe('hsmmPosterior', () => {
  test('with windows covering everything it equals enumeration over all segmentations', () => {
    const p = randomProblem(11, 14, 3, true, true, true)
    const v = hsmmViterbi(p)
    const temp = 2.5
    const { lo, post } = hsmmPosterior(p, v.bounds, 100, temp)
    const K = p.cum.length
    const marg = Array.from({ length: K + 1 }, () => new Float64Array(p.n + 1))
    let z = 0
    for (const b of allBounds(p)) {
      const w = Math.exp(hsmmScore(p, b) / temp)
      z += w
      for (let j = 0; j <= K; j++) marg[j]![b[j]!]! += w
    }
    for (let j = 0; j <= K; j++)
      for (let t = 0; t <= p.n; t++) {
        const ours = t >= lo[j]! && t - lo[j]! < post[j]!.length ? post[j]![t - lo[j]!]! : 0
        expect(ours).toBeCloseTo(marg[j]![t]! / z, 10)
      }
  })
})
