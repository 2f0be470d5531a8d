/** Shared assertions for the DTW tests. */
import { expect } from 'vitest'
import type { DtwOptions } from '../../../src/core/dtw'
import type { RefOptions } from './reference'

/** Flatten nested rows. */
export function flat(a: ArrayLike<number> | number[][]): number[] {
  const first = (a as ArrayLike<unknown>)[0]
  return Array.isArray(first) ? (a as number[][]).flat() : Array.from(a as ArrayLike<number>)
}

/**
 * |actual − expected| ≤ atol + rtol·|expected| for every entry; NaN never passes; ±Infinity must match
 * exactly. Reports the worst entry.
 */
export function expectClose(
  actual: ArrayLike<number> | number[][] | number,
  expected: ArrayLike<number> | number[][] | number,
  rtol: number,
  atol: number,
  label = '',
): void {
  const a = typeof actual === 'number' ? [actual] : flat(actual)
  const e = typeof expected === 'number' ? [expected] : flat(expected)
  expect(a.length, `${label}: length`).toBe(e.length)
  let worst = -1
  let worstExcess = 0
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!
    const y = e[k]!
    if (Number.isNaN(x) || Number.isNaN(y))
      throw new Error(`${label}: NaN at ${k} (actual ${x}, expected ${y})`)
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      if (x !== y) throw new Error(`${label}: at ${k} actual ${x}, expected ${y}`)
      continue
    }
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y))
    if (excess > worstExcess) {
      worstExcess = excess
      worst = k
    }
  }
  if (worst >= 0)
    throw new Error(
      `${label}: entry ${worst}: actual ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(a[worst]! - e[worst]!)} > ${atol} + ${rtol}·|expected|)`,
    )
}

/** The engine options equivalent to a reference configuration. */
export function engineOptions(o: RefOptions): Partial<DtwOptions> {
  return {
    gamma: o.gamma,
    steps: o.steps.map((s) => ({ ...s })),
    band: o.band,
    openBegin: o.openBegin,
    openEnd: o.openEnd,
    diagonalPrior: o.prior,
    normalize: o.normalize,
  }
}
