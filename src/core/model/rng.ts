/**
 * A small seeded pseudo-random generator (mulberry32), so that initialisation and batch order are the
 * same on every backend and platform for a given seed (tfjs' own random ops depend on the backend).
 */

/** A seeded uniform generator on [0, 1). */
export interface Rng {
  /** Next uniform number in [0, 1). */
  next(): number
  /** Next standard normal number (Box–Muller). */
  normal(): number
  /** Next integer in [0, n). */
  int(n: number): number
}

/**
 * mulberry32 generator.
 * @param seed any integer; equal seeds give equal streams
 * @example const r = createRng(42); r.next() // 0.60…
 */
export function createRng(seed: number): Rng {
  let a = (seed | 0) ^ 0x9e3779b9
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    normal(): number {
      let u = next()
      while (u <= 0) u = next()
      const v = next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    int(n: number): number {
      return Math.floor(next() * n)
    },
  }
}

/** Fisher–Yates shuffle of `0..n-1` with the given generator. */
export function shuffledIndices(n: number, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = idx[i]!
    idx[i] = idx[j]!
    idx[j] = t
  }
  return idx
}
