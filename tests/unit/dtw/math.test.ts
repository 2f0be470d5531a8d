/** The kernels' exp and log against Math.exp / Math.log (a few ulp). */
import { describe, expect, test } from 'vitest'
import { expNeg, log1to4 } from '../../../src/core/dtw/math'
import { rng } from './reference'

describe('expNeg', () => {
  test('relative error ≤ 6e-16 (≈ 3 ulp) over [−745, 0] where the result is a normal number', () => {
    const rand = rng(1)
    let worst = 0
    for (let k = 0; k < 200000; k++) {
      const x = -(k % 3 === 0 ? 700 : k % 3 === 1 ? 40 : 1e-3) * rand()
      const e = Math.exp(x)
      worst = Math.max(worst, Math.abs(expNeg(x) - e) / e)
    }
    expect(worst).toBeLessThan(6e-16)
  })
  test('exact at 0, 0 (or the smallest subnormal) far below, never NaN', () => {
    expect(expNeg(0)).toBe(1)
    expect(expNeg(-0)).toBe(1)
    expect(expNeg(-Infinity)).toBe(0)
    expect(expNeg(-1e300)).toBe(0)
    expect(expNeg(-745.5)).toBeLessThan(1e-320)
    expect(Number.isNaN(expNeg(-1e-320))).toBe(false)
  })
})

describe('log1to4', () => {
  test('absolute error ≤ 5e-16 over [1, 4)', () => {
    const rand = rng(2)
    let worst = 0
    for (let k = 0; k < 200000; k++) {
      const s = 1 + 2.9999999 * rand()
      worst = Math.max(worst, Math.abs(log1to4(s) - Math.log(s)))
    }
    expect(worst).toBeLessThan(5e-16)
    expect(log1to4(1)).toBe(0)
    expect(log1to4(2)).toBe(Math.LN2)
    expect(Math.abs(log1to4(3) - Math.log(3))).toBeLessThan(5e-16)
  })
})
