/**
 * Property tests (fast-check) over random shapes, γ, step sets and options: the engine equals the
 * float64 reference (rtol 1e-9 / atol 1e-12, see engine.test.ts), never returns NaN, E of unit-weight
 * closed problems is a probability, and batches equal their items.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { dtwBatch, packBatch, softDtw } from '../../../src/core/dtw'
import { engineOptions, expectClose } from './helpers'
import {
  REF_SEED,
  REF_STAY_ADVANCE,
  type RefOptions,
  type RefStep,
  refGrad,
  refOptions,
  refPathCost,
  refValue,
} from './reference'

const stepArb: fc.Arbitrary<RefStep[]> = fc.oneof(
  fc.constant(REF_SEED),
  fc.constant(REF_STAY_ADVANCE),
  fc
    .uniqueArray(
      fc.record({
        di: fc.integer({ min: 0, max: 2 }),
        dj: fc.integer({ min: 0, max: 2 }),
        weight: fc.double({ min: 0.25, max: 3, noNaN: true }),
        penalty: fc.double({ min: -0.5, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 4, selector: (s) => `${s.di},${s.dj}` },
    )
    .filter((steps) => steps.every((s) => s.di + s.dj >= 1)),
)

const optionsArb: fc.Arbitrary<RefOptions> = fc
  .record({
    gamma: fc.oneof(
      fc.constant(0),
      fc.double({ min: Math.log(1e-3), max: Math.log(30), noNaN: true }).map(Math.exp),
    ),
    steps: stepArb,
    band: fc.option(fc.double({ min: 0, max: 4, noNaN: true }), { nil: null }),
    openBegin: fc.boolean(),
    openEnd: fc.boolean(),
    prior: fc.option(
      fc.record({
        weight: fc.double({ min: 0, max: 2, noNaN: true }),
        width: fc.double({ min: 0.05, max: 1, noNaN: true }),
      }),
      { nil: null },
    ),
    normalize: fc.constantFrom('none', 'N', 'M', 'N+M') as fc.Arbitrary<RefOptions['normalize']>,
  })
  .map((o) => refOptions(o))

const problemArb = fc
  .record({ N: fc.integer({ min: 1, max: 7 }), M: fc.integer({ min: 1, max: 7 }), o: optionsArb })
  .chain(({ N, M, o }) =>
    fc
      .array(
        fc.oneof(
          { weight: 12, arbitrary: fc.double({ min: -1, max: 4, noNaN: true }) },
          { weight: 1, arbitrary: fc.constant(Infinity) },
        ),
        {
          minLength: N * M,
          maxLength: N * M,
        },
      )
      .map((c) => ({ N, M, o, C: Float64Array.from(c) })),
  )

describe('properties', () => {
  test('value and gradient equal the reference for any shape, γ, step set and options', () => {
    fc.assert(
      fc.property(problemArb, ({ N, M, o, C }) => {
        const r = softDtw(C, N, M, engineOptions(o))
        const label = JSON.stringify({ N, M, o })
        expectClose(r.value, refValue(C, N, M, o), 1e-9, 1e-12, `${label} value`)
        for (const g of r.grad!) expect(Number.isNaN(g)).toBe(false)
        if (o.gamma > 0) {
          expectClose(r.grad!, refGrad(C, N, M, o), 1e-9, 1e-12, `${label} grad`)
          return
        }
        // hard DTW: with (near-)ties any optimal path is right, so check the engine's own path: it is
        // admissible, costs the value, and the gradient is its indicator (entering steps' weights)
        const path = r.path!
        if (r.value === Infinity) {
          expect(path).toEqual([])
          expect(Array.from(r.grad!).every((g) => g === 0)).toBe(true)
          return
        }
        const norm = o.normalize === 'N' ? N : o.normalize === 'M' ? M : o.normalize === 'N+M' ? N + M : 1
        expectClose(refPathCost(C, N, M, o, path) / norm, r.value, 1e-9, 1e-12, `${label} path cost`)
        const G = new Float64Array(N * M)
        path.forEach(([i, j], k) => {
          const prev = path[k - 1]
          const w = prev ? o.steps.find((s) => s.di === i - prev[0] && s.dj === j - prev[1])!.weight : 1
          G[i * M + j] = G[i * M + j]! + w / norm
        })
        expectClose(r.grad!, G, 1e-15, 0, `${label} path matrix`)
      }),
      { numRuns: 400, seed: 20251125 },
    )
  })
  test('E is a probability for unit steps with closed ends and no normalisation', () => {
    fc.assert(
      fc.property(problemArb, ({ N, M, o, C }) => {
        const unit = {
          ...o,
          steps: o.steps === REF_STAY_ADVANCE ? REF_STAY_ADVANCE : REF_SEED,
          normalize: 'none' as const,
        }
        const r = softDtw(C, N, M, engineOptions(unit))
        for (const e of r.grad!) expect(e >= 0 && e <= 1 + 1e-12).toBe(true)
      }),
      { numRuns: 200, seed: 7 },
    )
  })
  test('a batch of random problems equals its items, bit for bit', () => {
    fc.assert(
      fc.property(fc.array(problemArb, { minLength: 1, maxLength: 5 }), optionsArb, (probs, o) => {
        const items = probs.map((p) => ({ cost: p.C, n: p.N, m: p.M }))
        const r = dtwBatch(packBatch(items), engineOptions(o))
        let off = 0
        items.forEach((it, b) => {
          const s = softDtw(it.cost, it.n, it.m, engineOptions(o))
          expect(Object.is(r.values[b], s.value)).toBe(true)
          expect(Array.from(r.grad!.subarray(off, off + it.n * it.m))).toEqual(Array.from(s.grad!))
          off += it.n * it.m
        })
      }),
      { numRuns: 100, seed: 3 },
    )
  })
})
