/**
 * Shared setup of the native DTW tests: the addon (loaded from this checkout; a build that recorded why
 * it is impossible skips with that reason, a missing build fails), comparisons, and an independent
 * double-double reference for the extreme numerics (|R|/γ up to 1e13).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { buildFailure, loadNativeAddon, type NativeAddon } from '../../../src/backend/native'
import { REPO_ROOT } from '../../helpers/corpus'

const load = loadNativeAddon({ root: REPO_ROOT })
/** The addon, or null when the build recorded that it is impossible on this machine. */
export const addon: NativeAddon | null = load.addon
/** Why the native tests are skipped ('' when they run). */
export const skipReason: string = (() => {
  if (load.addon) return ''
  const recorded = buildFailure(REPO_ROOT)
  if (recorded && existsSync(join(REPO_ROOT, 'native', 'build', 'unavailable.json')))
    return `native addon unavailable on this machine: ${recorded}`
  // not built at all: that is a failure of the install step, not a reason to skip
  throw new Error(
    `the native addon did not load (${load.reason}); run "npm run build:native" (or npm ci) before the tests`,
  )
})()
if (skipReason) console.warn(`[dtw-native] SKIPPED: ${skipReason}`)

/**
 * |actual − expected| ≤ atol + rtol·|expected| per entry; NaN never passes; infinities must match.
 * Reports the worst entry.
 */
export function expectClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  rtol: number,
  atol: number,
  label = '',
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual)
  const e = typeof expected === 'number' ? [expected] : Array.from(expected)
  expect(a.length, `${label}: length`).toBe(e.length)
  let worst = -1
  let excessMax = 0
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!
    const y = e[k]!
    if (Number.isNaN(x) || Number.isNaN(y))
      throw new Error(`${label}: NaN at ${k} (actual ${x}, expected ${y})`)
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x !== y) throw new Error(`${label}: entry ${k}: actual ${x}, expected ${y}`)
      continue
    }
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y))
    if (excess > excessMax) {
      excessMax = excess
      worst = k
    }
  }
  if (worst >= 0)
    throw new Error(
      `${label}: entry ${worst} of ${a.length}: actual ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(a[worst]! - e[worst]!)} > ${atol} + ${rtol}·|expected|)`,
    )
}

/** Largest |x| (0 for none). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]!))
  return m
}

/** A seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomCosts(n: number, rand: () => number, scale = 1, offset = 0): Float64Array {
  const a = new Float64Array(n)
  for (let k = 0; k < n; k++) a[k] = offset + rand() * scale
  return a
}

type DD = [number, number]
function twoSum(a: number, b: number): DD {
  const s = a + b
  const bb = s - a
  return [s, a - (s - bb) + (b - bb)]
}
function ddAdd(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0])
  return twoSum(s, e + a[1] + b[1])
}

/**
 * Soft-DTW with the seed steps and closed ends, R kept in double-double so that the differences the
 * soft-min weights depend on are exact to ~1e-30 even when |R|/γ is 1e13; weights by Math.exp of those
 * differences, E by the backward recursion over the weights. Plain loops, no code shared with the engine.
 * @returns value and E (N×M row-major)
 */
export function refSeedHighPrecision(
  C: ArrayLike<number>,
  N: number,
  M: number,
  gamma: number,
): { value: number; E: Float64Array } {
  const R: DD[] = new Array(N * M).fill(null).map(() => [Infinity, 0] as DD)
  const W = new Float64Array(N * M * 3)
  const preds: [number, number][] = [
    [1, 1],
    [1, 0],
    [0, 1],
  ]
  for (let i = 0; i < N; i++)
    for (let j = 0; j < M; j++) {
      const c = C[i * M + j]!
      if (c === Infinity) continue
      if (i === 0 && j === 0) {
        R[0] = [c, 0]
        continue
      }
      const p: DD[] = preds.map(([a, b]) =>
        i - a >= 0 && j - b >= 0 ? R[(i - a) * M + j - b]! : [Infinity, 0],
      )
      let m: DD = [Infinity, 0]
      for (const v of p) if (v[0] < m[0] || (v[0] === m[0] && v[1] < m[1])) m = v
      if (m[0] === Infinity) continue
      const e = p.map((v) => {
        if (v[0] === Infinity) return 0
        const d = ddAdd(v, [-m[0], -m[1]])
        return Math.exp(-(d[0] + d[1]) / gamma)
      })
      const S = e[0]! + e[1]! + e[2]!
      R[i * M + j] = ddAdd(ddAdd(m, [c, 0]), [-gamma * Math.log(S), 0])
      for (let k = 0; k < 3; k++) W[(i * M + j) * 3 + k] = e[k]! / S
    }
  const end = R[N * M - 1]!
  const value = end[0] + end[1]
  const E = new Float64Array(N * M)
  if (value < Infinity)
    for (let i = N - 1; i >= 0; i--)
      for (let j = M - 1; j >= 0; j--) {
        let e = i === N - 1 && j === M - 1 ? 1 : 0
        if (i + 1 < N && j + 1 < M) e += E[(i + 1) * M + j + 1]! * W[((i + 1) * M + j + 1) * 3]!
        if (i + 1 < N) e += E[(i + 1) * M + j]! * W[((i + 1) * M + j) * 3 + 1]!
        if (j + 1 < M) e += E[i * M + j + 1]! * W[(i * M + j + 1) * 3 + 2]!
        E[i * M + j] = e
      }
  return { value, E }
}
