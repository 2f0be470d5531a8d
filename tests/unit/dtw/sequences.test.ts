/**
 * Costs between sequences, their gradients w.r.t. the inputs (central finite differences), DTW
 * between sequences, and the soft-DTW divergence.
 * FD tolerances: h = 1e-6 on inputs of order 1 (truncation ≈ h²·|f'''| ≈ 1e-11, cancellation
 * eps·|f|/h ≈ 1e-9): rtol 1e-5, atol 1e-7.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  COST_NAMES,
  costBackward,
  costMatrix,
  type DtwCostName,
  softDtw,
  softDtwDivergence,
  softDtwSequences,
} from '../../../src/core/dtw'
import { expectClose } from './helpers'
import { rng } from './reference'

/** Sequences suited to every cost: values in (0.05, 0.95) (probabilities for bce / nll). */
function seq(n: number, d: number, rand: () => number): Float64Array {
  return Float64Array.from({ length: n * d }, () => 0.05 + 0.9 * rand())
}

/** The costs written out independently, one pair at a time. */
function refCost(kind: DtwCostName, a: number[], b: number[], eps: number): number {
  const d = a.length
  let s = 0
  if (kind === 'sqeuclidean') for (let k = 0; k < d; k++) s += (a[k]! - b[k]!) ** 2
  else if (kind === 'cosine') {
    const na = Math.max(Math.hypot(...a), eps)
    const nb = Math.max(Math.hypot(...b), eps)
    s = 1 - a.reduce((t, v, k) => t + v * b[k]!, 0) / (na * nb)
  } else if (kind === 'bce')
    for (let k = 0; k < d; k++) {
      const p = Math.min(Math.max(a[k]!, eps), 1 - eps)
      s -= b[k]! * Math.log(p) + (1 - b[k]!) * Math.log(1 - p)
    }
  else for (let k = 0; k < d; k++) s -= b[k]! * Math.log(Math.max(a[k]!, eps))
  return s
}

const h = 1e-6
function fdGrad(f: (v: Float64Array) => number, v: Float64Array): Float64Array {
  const g = new Float64Array(v.length)
  for (let k = 0; k < v.length; k++) {
    const p = v.slice()
    const m = v.slice()
    p[k] = v[k]! + h
    m[k] = v[k]! - h
    g[k] = (f(p) - f(m)) / (2 * h)
  }
  return g
}

describe('cost matrices', () => {
  test.each(COST_NAMES)('%s equals the pairwise definition', (kind) => {
    const rand = rng(1)
    const d = 4
    const x = seq(6, d, rand)
    const y = seq(5, d, rand)
    const C = costMatrix(x, y, d, { cost: kind })
    const expected: number[] = []
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 5; j++)
        expected.push(
          refCost(
            kind,
            Array.from(x.subarray(i * d, i * d + d)),
            Array.from(y.subarray(j * d, j * d + d)),
            1e-7,
          ),
        )
    expectClose(C, expected, 1e-13, 1e-15, kind)
  })
  test.each(COST_NAMES)('%s: chain rule to x and y matches finite differences', (kind) => {
    const rand = rng(2)
    const d = 3
    const x = seq(4, d, rand)
    const y = seq(5, d, rand)
    const G = Float64Array.from({ length: 20 }, () => rand() - 0.3)
    const L = (xx: Float64Array, yy: Float64Array) =>
      costMatrix(xx, yy, d, { cost: kind }).reduce((s, c, k) => s + c * G[k]!, 0)
    const gx = new Float64Array(x.length)
    const gy = new Float64Array(y.length)
    costBackward(x, y, d, G, gx, gy, { cost: kind })
    expectClose(
      gx,
      fdGrad((v) => L(v, y), x),
      1e-5,
      1e-7,
      `${kind} ∂/∂x`,
    )
    expectClose(
      gy,
      fdGrad((v) => L(x, v), y),
      1e-5,
      1e-7,
      `${kind} ∂/∂y`,
    )
  })
  test('clamped entries get zero gradient; zero vectors in cosine do not give NaN', () => {
    const x = Float64Array.of(0, 0.5, 1, 0.3)
    const y = Float64Array.of(0.2, 0.7)
    const G = Float64Array.of(1, 1)
    const gx = new Float64Array(4)
    const gy = new Float64Array(2)
    costBackward(x, y, 2, G, gx, gy, { cost: 'bce' })
    expect(gx[0]).toBe(0) // x = 0 is clamped to ε
    expect(gx[2]).toBe(0) // x = 1 is clamped to 1 − ε
    const z = Float64Array.of(0, 0, 1, 0)
    const Cz = costMatrix(z, Float64Array.of(1, 0), 2, { cost: 'cosine' })
    expect(Array.from(Cz)).toEqual([1, 0])
    const gz = new Float64Array(4)
    costBackward(z, Float64Array.of(1, 0), 2, Float64Array.of(1, 1), gz, new Float64Array(2), {
      cost: 'cosine',
    })
    expect(gz.every((v) => Number.isFinite(v))).toBe(true)
  })
  test('inputs that do not suit the cost are rejected', () => {
    expect(() =>
      softDtwSequences(Float64Array.of(0.5, 1.5), Float64Array.of(0.5), 1, { cost: 'bce' }),
    ).toThrow(/> 1/)
    expect(() => softDtwSequences(Float64Array.of(-0.1), Float64Array.of(0.5), 1, { cost: 'nll' })).toThrow(
      /< 0/,
    )
    expect(() => softDtwSequences(Float64Array.of(Number.NaN), Float64Array.of(0.5), 1)).toThrow(/finite/)
    expect(() => softDtwSequences(Float64Array.of(1, 2, 3), Float64Array.of(0.5, 1), 2)).toThrow(
      /multiple of d/,
    )
    expect(() =>
      softDtwSequences(Float64Array.of(1), Float64Array.of(1), 1, { cost: 'l1' as DtwCostName }),
    ).toThrow(/cost must be one of/)
  })
})

describe('soft-DTW between sequences', () => {
  const configs: [DtwCostName, object][] = [
    ['sqeuclidean', { gamma: 0.5 }],
    ['cosine', { gamma: 0.1, steps: 'stay-advance' }],
    ['bce', { gamma: 1, openEnd: true, normalize: 'N' }],
    ['nll', { gamma: 0.3, band: 2, diagonalPrior: { weight: 0.5, width: 0.3 } }],
  ]
  test.each(configs)('%s: ∂value/∂x and ∂value/∂y match finite differences', (kind, opts) => {
    const rand = rng(3)
    const d = 3
    const x = seq(7, d, rand)
    const y = seq(4, d, rand)
    const o = { cost: kind, ...opts }
    const r = softDtwSequences(x, y, d, o)
    const C = costMatrix(x, y, d, { cost: kind })
    expect(r.value).toBe(softDtw(C, 7, 4, opts).value)
    const f = (xx: Float64Array, yy: Float64Array) => softDtwSequences(xx, yy, d, { ...o, grad: false }).value
    expectClose(
      r.gradX!,
      fdGrad((v) => f(v, y), x),
      1e-5,
      1e-7,
      `${kind} ∂/∂x`,
    )
    expectClose(
      r.gradY!,
      fdGrad((v) => f(x, v), y),
      1e-5,
      1e-7,
      `${kind} ∂/∂y`,
    )
  })
  test('hard DTW between sequences returns the path', () => {
    const x = Float64Array.of(0, 1, 2, 3)
    const y = Float64Array.of(0, 3)
    const r = softDtwSequences(x, y, 1, { gamma: 0 })
    expect(r.value).toBe(2)
    expect(r.path).toEqual([
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 1],
    ])
  })
})

describe('soft-DTW divergence', () => {
  test('≥ 0 for the squared Euclidean cost (random sequences, γ, lengths)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 1e9 }),
        (N, M, d, gamma, seed) => {
          const rand = rng(seed)
          const x = Float64Array.from({ length: N * d }, () => 4 * rand() - 2)
          const y = Float64Array.from({ length: M * d }, () => 4 * rand() - 2)
          const v = softDtwDivergence(x, y, d, { gamma, grad: false }).value
          expect(v).toBeGreaterThanOrEqual(-1e-12 * (1 + Math.abs(v)))
        },
      ),
      { numRuns: 300, seed: 11 },
    )
  })
  test.each(COST_NAMES)('%s: exactly 0 for identical inputs, under any options', (kind) => {
    const rand = rng(4)
    const x = seq(6, 2, rand)
    for (const opts of [{}, { gamma: 0.01 }, { steps: 'stay-advance' as const }, { band: 1, openEnd: true }])
      expect(softDtwDivergence(x, x.slice(), 2, { cost: kind, ...opts }).value).toBe(0)
  })
  test('a minimum at x = y: zero gradient for a symmetric cost and a symmetric step set', () => {
    const rand = rng(6)
    const x = seq(6, 2, rand)
    for (const cost of ['sqeuclidean', 'cosine'] as const)
      for (const opts of [{}, { gamma: 0.01 }, { band: 1 }]) {
        const r = softDtwDivergence(x, x.slice(), 2, { cost, ...opts })
        expectClose(r.gradX!, new Float64Array(12), 0, 1e-13, `${cost} gradX`)
        expectClose(r.gradY!, new Float64Array(12), 0, 1e-13, `${cost} gradY`)
      }
  })
  test('gradient matches finite differences', () => {
    const rand = rng(5)
    const x = Float64Array.from({ length: 10 }, () => rand())
    const y = Float64Array.from({ length: 8 }, () => rand())
    const r = softDtwDivergence(x, y, 2, { gamma: 0.4 })
    const f = (xx: Float64Array, yy: Float64Array) =>
      softDtwDivergence(xx, yy, 2, { gamma: 0.4, grad: false }).value
    expectClose(
      r.gradX!,
      fdGrad((v) => f(v, y), x),
      1e-5,
      1e-7,
      '∂/∂x',
    )
    expectClose(
      r.gradY!,
      fdGrad((v) => f(x, v), y),
      1e-5,
      1e-7,
      '∂/∂y',
    )
  })
})
