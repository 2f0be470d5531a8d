/**
 * Numerics of the engine: γ from 1e-4 to 1e3, costs up to 1e6, near-ties where |R|/γ reaches 1e10,
 * N = 1, forbidden (+∞) cells, and a 20,000 × 500 problem in O(min(N, M)) memory.
 * Tolerances (docs/dtw.md): vs the double-double reference rtol 1e-9 / atol 1e-12 — tighter than the
 * issue's 1e-6; the engine's row re-centring keeps the weights' arguments at the precision of the
 * spread within a row, observed errors are ≤ 1e-13 (a float64 R would give 1e-6 … 1e-4 here).
 */
import { afterEach, describe, expect, test } from 'vitest'
import { type DtwOptions, dtwBatch, hardDtw, softDtw } from '../../../src/core/dtw'
import { tsKernelStats } from '../../../src/core/dtw/ts-backend'
import { engineOptions, expectClose } from './helpers'
import {
  REF_SEED,
  REF_STAY_ADVANCE,
  randomMatrix,
  refGrad,
  refHighPrecision,
  refOptions,
  refValue,
  rng,
} from './reference'

function noisy(N: number, M: number, base: number, noise: number, seed: number): Float64Array {
  const r = rng(seed)
  const C = new Float64Array(N * M)
  for (let k = 0; k < C.length; k++) C[k] = base + noise * r()
  return C
}

function expectSane(E: ArrayLike<number>, label: string): void {
  for (let k = 0; k < E.length; k++) {
    const e = E[k]!
    if (!(e >= 0 && e <= 1 + 1e-12)) throw new Error(`${label}: E[${k}] = ${e} is not a probability`)
  }
}

describe('against the high-precision (double-double R) reference', () => {
  const cases: [string, number, number, number, number, number, 'seed' | 'stay-advance'][] = [
    // name, N, M, base cost, noise, γ, steps
    ["issue's example: costs 1e4, γ = 1e-3, 300×300", 300, 300, 0, 1e4, 1e-3, 'seed'],
    ['near-ties at costs 1e4, γ = 1e-3 (|R|/γ ≈ 3e9)', 300, 100, 1e4, 5e-3, 1e-3, 'stay-advance'],
    ['near-ties at costs 1e6, γ = 1e-4 (|R|/γ ≈ 6e11)', 60, 30, 1e6, 5e-4, 1e-4, 'stay-advance'],
    ['near-ties at costs 1e6, γ = 1e-4, seed steps', 60, 30, 1e6, 5e-4, 1e-4, 'seed'],
    ['γ = 1e3', 80, 40, 0, 1, 1e3, 'stay-advance'],
    ['γ = 1e3, costs 1e6', 50, 50, 0, 1e6, 1e3, 'seed'],
    ['γ = 1e-4, costs in [0, 1)', 70, 50, 0, 1, 1e-4, 'seed'],
  ]
  test.each(cases)('%s', (_name, N, M, base, noise, gamma, steps) => {
    const C = noisy(N, M, base, noise, N + M)
    const r = softDtw(C, N, M, { gamma, steps })
    const hp = refHighPrecision(C, N, M, gamma, steps === 'seed' ? REF_SEED : REF_STAY_ADVANCE)
    expect(Number.isFinite(r.value)).toBe(true)
    expectClose(r.value, hp.value, 1e-12, 0, 'value')
    expectClose(r.grad!, hp.E, 1e-9, 1e-12, 'E')
    expectSane(r.grad!, 'E')
  })
  // N < M and open ends: along a row the competing accumulated costs grow by one cost per column, so
  // row re-centring alone loses eps·M·cost/γ ≈ 4e-4 in the weights here (observed before the fix:
  // E off by 1e-5 … 2e-4); the engine re-centres per column in these cases.
  const colCases: [string, number, number, 'seed' | 'stay-advance', Partial<DtwOptions>][] = [
    ['N < M, seed steps, 150×200', 150, 200, 'seed', {}],
    ['N < M, seed steps, 30×60, open begin and end', 30, 60, 'seed', { openBegin: true, openEnd: true }],
    ['N > M, seed steps, 200×150, open begin', 200, 150, 'seed', { openBegin: true }],
    ['N > M, seed steps, 60×30, open end', 60, 30, 'seed', { openEnd: true }],
    ['N = M, seed steps, 100×100, open begin and end', 100, 100, 'seed', { openBegin: true, openEnd: true }],
    [
      'stay/advance, 200×150, open begin and end',
      200,
      150,
      'stay-advance',
      { openBegin: true, openEnd: true },
    ],
  ]
  test.each(colCases)('near-ties at costs 1e6, γ = 1e-4: %s', (_name, N, M, steps, ends) => {
    const gamma = 1e-4
    const C = noisy(N, M, 1e6, 5e-4, N + M)
    const r = softDtw(C, N, M, { gamma, steps, ...ends })
    const hp = refHighPrecision(C, N, M, gamma, steps === 'seed' ? REF_SEED : REF_STAY_ADVANCE, ends)
    expectClose(r.value, hp.value, 1e-12, 0, 'value')
    expectClose(r.grad!, hp.E, 1e-9, 1e-12, 'E')
    expectSane(r.grad!, 'E')
  })
  test('column frames after the exp → log hand-over (N < M): tiny costs in the first rows, then near-ties at 1e6, γ = 1e-4', () => {
    const N = 30
    const M = 60
    const gamma = 1e-4
    const C = noisy(N, M, 1e6, 5e-4, 9)
    const r0 = rng(10)
    for (let k = 0; k < 8 * M; k++) C[k] = 1e-5 * r0()
    // row 8 spans 1e6 along the row: out of the exp range, the log domain takes over from there
    for (let j = 0; j < M; j++) C[8 * M + j] = (1e6 * j) / M
    for (const ends of [{}, { openBegin: true, openEnd: true }]) {
      const before = { ...tsKernelStats }
      const r = softDtw(C, N, M, { gamma, ...ends })
      expect(tsKernelStats.expRows - before.expRows, 'rows in the exp domain').toBeGreaterThan(0)
      expect(tsKernelStats.logRows - before.logRows, 'rows in the log domain').toBeGreaterThan(0)
      const hp = refHighPrecision(C, N, M, gamma, REF_SEED, ends)
      expectClose(r.value, hp.value, 1e-12, 0, 'value')
      expectClose(r.grad!, hp.E, 1e-9, 1e-12, 'E')
    }
  })
  test('float32 storage stays within its rounding bound in the same regimes', () => {
    const N = 120
    const M = 40
    const C = Float32Array.from(noisy(N, M, 1e4, 4, 3))
    const hp = refHighPrecision(Float64Array.from(C), N, M, 1e-3, REF_STAY_ADVANCE)
    const r = softDtw(C, N, M, { gamma: 1e-3, steps: 'stay-advance' })
    expectClose(r.grad!, hp.E, (N + M + 2) * 2 ** -24, 1e-12, 'float32 E')
  })
})

describe('exact identities at extreme scales', () => {
  test('sdtw_{λγ}(λC) = λ·sdtw_γ(C) and E is unchanged, λ from 1e-4 to 1e6', () => {
    const N = 40
    const M = 25
    const C = randomMatrix(N, M, rng(1))
    const base = softDtw(C, N, M, { gamma: 1 })
    for (const lambda of [1e-4, 1e-2, 1e3, 1e6]) {
      const s = softDtw(
        C.map((c) => c * lambda),
        N,
        M,
        { gamma: lambda },
      )
      expectClose(s.value, base.value * lambda, 1e-12, 0, `λ = ${lambda} value`)
      expectClose(s.grad!, base.grad!, 1e-9, 1e-12, `λ = ${lambda} E`)
    }
  })
  test('stay/advance paths all have N cells: sdtw(C + a) = sdtw(C) + N·a, E unchanged, a up to 1e6', () => {
    const N = 200
    const M = 60
    for (const gamma of [1e-3, 1, 100]) {
      // dyadic costs (multiples of 2^-20) so that C + a is exact for a ≤ 1e6: the identity is then exact
      const C = randomMatrix(N, M, rng(2), gamma).map((c) => Math.round(c * 2 ** 20) / 2 ** 20)
      const base = softDtw(C, N, M, { gamma, steps: 'stay-advance' })
      for (const a of [1e2, 1e4, 1e6]) {
        const s = softDtw(
          C.map((c) => c + a),
          N,
          M,
          { gamma, steps: 'stay-advance' },
        )
        expectClose(s.value, base.value + N * a, 1e-12, 0, `γ ${gamma} a ${a} value`)
        expectClose(s.grad!, base.grad!, 1e-9, 1e-12, `γ ${gamma} a ${a} E`)
        // every frame is assigned to exactly one target: each row of E sums to 1
        for (let i = 0; i < N; i++) {
          let sum = 0
          for (let j = 0; j < M; j++) sum += s.grad![i * M + j]!
          expectClose(sum, 1, 1e-12, 0, `row ${i}`)
        }
      }
    }
  })
})

describe('edge cases', () => {
  test('γ tiny and huge, costs up to 1e6: finite value, E a probability, never NaN', () => {
    const rand = rng(6)
    for (const gamma of [1e-4, 1e-2, 1, 1e2, 1e3])
      for (const scale of [1e-6, 1, 1e3, 1e6])
        for (const steps of ['seed', 'stay-advance'] as const)
          for (const [N, M] of [
            [1, 1],
            [1, 7],
            [7, 1],
            [25, 13],
          ] as [number, number][]) {
            if (steps === 'stay-advance' && N < M) continue
            const C = randomMatrix(N, M, rand, scale)
            for (const extra of [
              {},
              { openBegin: true, openEnd: true },
              { band: 2 },
            ] as Partial<DtwOptions>[]) {
              const r = softDtw(C, N, M, { gamma, steps, ...extra })
              const label = `γ ${gamma} scale ${scale} ${steps} ${N}×${M} ${JSON.stringify(extra)}`
              expect(Number.isFinite(r.value), label).toBe(true)
              expectSane(r.grad!, label)
            }
          }
  })
  test('N = 1: one path through the whole row; M = 1: one path down the column', () => {
    const C = Float64Array.of(0.5, 2, 1e6, 3)
    for (const gamma of [1e-4, 1, 1e3]) {
      const row = softDtw(C, 1, 4, { gamma })
      expectClose(row.value, 0.5 + 2 + 1e6 + 3, 1e-15, 0, 'row')
      expect(Array.from(row.grad!)).toEqual([1, 1, 1, 1])
      const col = softDtw(C, 4, 1, { gamma, steps: 'stay-advance' })
      expectClose(col.value, 0.5 + 2 + 1e6 + 3, 1e-15, 0, 'column')
      expect(Array.from(col.grad!)).toEqual([1, 1, 1, 1])
    }
  })
  test('+∞ cells are forbidden: zero gradient there, same as the reference', () => {
    const rand = rng(7)
    const N = 9
    const M = 7
    for (const partial of [
      {},
      { gamma: 0.1 },
      { steps: REF_STAY_ADVANCE },
      { openBegin: true, openEnd: true },
    ]) {
      const C = randomMatrix(N, M, rand)
      for (const k of [3, 10, 11, 20, 31, 40, 47]) C[k] = Infinity
      const o = refOptions(partial)
      const r = softDtw(C, N, M, engineOptions(o))
      expectClose(r.value, refValue(C, N, M, o), 1e-9, 1e-12, 'value')
      expectClose(r.grad!, refGrad(C, N, M, o), 1e-9, 1e-12, 'grad')
      for (const k of [3, 10, 11, 20, 31, 40, 47]) expect(r.grad![k]).toBe(0)
      const h = hardDtw(C, N, M, engineOptions(o))
      for (const [i, j] of h.path!) expect(C[i * M + j]).toBeLessThan(Infinity)
    }
  })
  test('no admissible path: value +∞, gradient 0, empty path, never NaN', () => {
    const N = 5
    const M = 4
    const C = randomMatrix(N, M, rng(8))
    for (let i = 0; i < N; i++) C[i * M + 2] = Infinity // a wall across column 2
    for (const gamma of [0, 1e-3, 1]) {
      const r = softDtw(C, N, M, { gamma })
      expect(r.value).toBe(Infinity)
      expect(Array.from(r.grad!).every((g) => g === 0)).toBe(true)
      if (gamma === 0) expect(r.path).toEqual([])
    }
    // stay/advance needs N ≥ M
    expect(softDtw(new Float64Array(6), 2, 3, { steps: 'stay-advance' }).value).toBe(Infinity)
    const all = new Float64Array(6).fill(Infinity)
    expect(softDtw(all, 2, 3, { openEnd: true, openBegin: true }).value).toBe(Infinity)
  })
  test('NaN and −∞ costs are rejected with the cell named', () => {
    expect(() => softDtw(Float64Array.of(0, Number.NaN), 1, 2)).toThrow(/C\(0, 1\) is NaN/)
    expect(() => softDtw(Float64Array.of(-Infinity, 0), 2, 1)).toThrow(/C\(0, 0\) is -Infinity/)
    expect(() => softDtw(new Float64Array(3), 2, 2)).toThrow(/3 elements, expected N·M/)
    expect(() => softDtw(new Float64Array(0), 0, 0)).toThrow(/≥ 1/)
    expect(() => softDtw(new Float64Array(4), 2, 2, { gamma: -1 })).toThrow(/gamma/)
    expect(() => softDtw(new Float64Array(4), 2, 2, { gama: 1 } as Partial<DtwOptions>)).toThrow(
      /did you mean "gamma"/,
    )
  })
})

describe('no length cap: 20,000 × 500 value-only in O(min(N, M)) memory', () => {
  // Count every typed array the engine allocates during the call (the input C exists before).
  const originals = { Float64Array, Float32Array, Int32Array, Uint8Array }
  let largest = 0
  let total = 0
  function track(): void {
    for (const [name, Ctor] of Object.entries(originals)) {
      ;(globalThis as Record<string, unknown>)[name] = new Proxy(Ctor, {
        construct(target, args) {
          const a = Reflect.construct(target, args) as { length: number }
          largest = Math.max(largest, a.length)
          total += a.length
          return a
        },
      })
    }
  }
  afterEach(() => Object.assign(globalThis, originals))

  const N = 20000
  const M = 500
  // stay/advance over constant costs a: every path costs N·a, there are binom(N−1, M−1) of them
  const a = 0.25
  const gamma = 0.5
  let logBinom = 0
  for (let k = 1; k <= M - 1; k++) logBinom += Math.log((N - M + k) / k)
  const exact = N * a - gamma * logBinom

  test('stay/advance, constant costs: the closed form N·a − γ·log binom(N−1, M−1)', () => {
    const C = new Float64Array(N * M).fill(a)
    const Ct = new Float64Array(M * N).fill(a)
    largest = 0
    total = 0
    track()
    const r = softDtw(C, N, M, { gamma, steps: 'stay-advance', grad: false })
    Object.assign(globalThis, originals)
    expectClose(r.value, exact, 1e-12, 0, 'N×M')
    expect(largest).toBeLessThanOrEqual(4 * (M + 1))
    expect(total).toBeLessThan(20 * (M + 1) + 64)
    // the transposed problem (N < M) iterates over its long axis: again O(min) memory
    largest = 0
    total = 0
    track()
    const t = softDtw(Ct, M, N, {
      gamma,
      steps: [
        { di: 1, dj: 1 },
        { di: 0, dj: 1 },
      ],
      grad: false,
    })
    Object.assign(globalThis, originals)
    expectClose(t.value, exact, 1e-12, 0, 'M×N')
    expect(largest).toBeLessThanOrEqual(4 * (M + 1))
  })
  test('seed steps, random costs: N×M and its transpose agree, both in O(min) memory', () => {
    const C = randomMatrix(N, M, rng(20))
    const Ct = new Float64Array(M * N)
    for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) Ct[j * N + i] = C[i * M + j]!
    largest = 0
    track()
    const v = dtwBatch(
      {
        cost: C,
        n: Int32Array.of(N),
        m: Int32Array.of(M),
        offset: Float64Array.of(0),
        stride: Int32Array.of(M),
      },
      { grad: false },
    ).values[0]!
    const w = dtwBatch(
      {
        cost: Ct,
        n: Int32Array.of(M),
        m: Int32Array.of(N),
        offset: Float64Array.of(0),
        stride: Int32Array.of(N),
      },
      { grad: false },
    ).values[0]!
    Object.assign(globalThis, originals)
    expect(largest).toBeLessThanOrEqual(4 * (M + 1))
    expect(Number.isFinite(v)).toBe(true)
    expectClose(w, v, 1e-12, 0, 'transpose')
  })
})
