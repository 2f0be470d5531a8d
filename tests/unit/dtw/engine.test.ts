/**
 * The DTW engine against the independent float64 reference (tests/unit/dtw/reference.ts), brute-force
 * path enumeration, central finite differences, hard DTW, γ → 0, float32 storage and batches.
 * Tolerances (docs/dtw.md "Tolerances"): engine vs float64 reference rtol 1e-9 / atol 1e-12 — both are
 * float64 evaluations of the same recursion (exp/log within 3 ulp, ≤ 40 steps, |R|/γ ≤ 1e3), observed
 * differences are ~1e-14, a wrong formula shows at ≥ 1e-3.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  accumulatedCost,
  type DtwOptions,
  dtwBatch,
  hardDtw,
  packBatch,
  paddedBatch,
  softDtw,
} from '../../../src/core/dtw'
import { tsKernelSettings, tsKernelStats } from '../../../src/core/dtw/ts-backend'
import { engineOptions, expectClose } from './helpers'
import {
  REF_SEED,
  REF_STAY_ADVANCE,
  type RefOptions,
  randomMatrix,
  refAccumulate,
  refBruteForce,
  refGrad,
  refOptions,
  refPathCost,
  refPaths,
  refValue,
  rng,
} from './reference'

const RTOL = 1e-9
const ATOL = 1e-12

const SHAPES: [number, number][] = [
  [1, 1],
  [1, 4],
  [4, 1],
  [2, 3],
  [3, 3],
  [5, 4],
  [4, 7],
  [8, 5],
  [12, 9],
]

const CONFIGS: [string, Partial<RefOptions>, number][] = [
  ['seed γ=1', {}, 1],
  ['seed γ=0.1', { gamma: 0.1 }, 3],
  ['seed γ=10', { gamma: 10 }, 1],
  ['stay-advance', { steps: REF_STAY_ADVANCE }, 1],
  [
    'symmetric2 weights',
    {
      steps: [
        { di: 1, dj: 1, weight: 2, penalty: 0 },
        { di: 1, dj: 0, weight: 1, penalty: 0 },
        { di: 0, dj: 1, weight: 1, penalty: 0 },
      ],
    },
    1,
  ],
  [
    'penalties',
    {
      gamma: 0.5,
      steps: [
        { di: 1, dj: 1, weight: 1, penalty: 0.2 },
        { di: 1, dj: 0, weight: 1, penalty: 0.5 },
        { di: 0, dj: 1, weight: 1, penalty: -0.1 },
      ],
    },
    1,
  ],
  [
    'long steps',
    {
      steps: [
        { di: 1, dj: 1, weight: 1, penalty: 0 },
        { di: 2, dj: 1, weight: 1.5, penalty: 0 },
        { di: 1, dj: 2, weight: 1.5, penalty: 0 },
        { di: 1, dj: 0, weight: 3, penalty: 0.1 },
      ],
    },
    1,
  ],
  ['band 0', { band: 0 }, 1],
  ['band 1', { band: 1 }, 1],
  ['band 2.5 stay-advance', { band: 2.5, steps: REF_STAY_ADVANCE }, 1],
  ['open begin', { openBegin: true }, 1],
  ['open end', { openEnd: true }, 1],
  ['open both γ=0.3', { openBegin: true, openEnd: true, gamma: 0.3 }, 1],
  ['stay-advance open both', { steps: REF_STAY_ADVANCE, openBegin: true, openEnd: true }, 1],
  ['diagonal prior', { prior: { weight: 1, width: 0.2 } }, 1],
  ['normalize N', { normalize: 'N' }, 1],
  ['normalize M', { normalize: 'M' }, 1],
  ['normalize N+M', { normalize: 'N+M' }, 1],
  [
    'combined',
    { band: 1, prior: { weight: 0.5, width: 0.3 }, openEnd: true, normalize: 'N+M', gamma: 0.2 },
    2,
  ],
]

describe.each([
  ['exp domain where it fits', true],
  ['log domain only', false],
])('soft-DTW value and gradient vs the float64 reference (%s)', (_domain, expDomain) => {
  beforeAll(() => {
    tsKernelSettings.expDomain = expDomain
  })
  afterAll(() => {
    tsKernelSettings.expDomain = true
  })
  test.each(CONFIGS)('%s', (_name, partial, scale) => {
    const rand = rng(42)
    const o = refOptions(partial)
    for (const [N, M] of SHAPES) {
      const C = randomMatrix(N, M, rand, scale)
      const r = softDtw(C, N, M, engineOptions(o))
      const label = `${_name} ${N}×${M}`
      expectClose(r.value, refValue(C, N, M, o), RTOL, ATOL, `${label} value`)
      expectClose(r.grad!, refGrad(C, N, M, o), RTOL, ATOL, `${label} grad`)
    }
  })
})

describe('exponential-domain forward pass and its hand-over to the log domain', () => {
  test('a problem whose rows outgrow the exp range switches mid-way and still equals the reference', () => {
    for (const [N, M, gamma, scale, partial] of [
      [300, 4, 0.02, 3, {}],
      [300, 6, 0.01, 1, {}],
      [300, 4, 0.01, 3, { band: 2 }],
      [300, 4, 0.01, 3, { openEnd: true, prior: { weight: 0.5, width: 0.3 } }],
    ] as [number, number, number, number, Partial<RefOptions>][]) {
      const o = refOptions({ ...partial, gamma })
      const C = randomMatrix(N, M, rng(77), scale)
      const before = { ...tsKernelStats }
      const r = softDtw(C, N, M, engineOptions(o))
      const exp = tsKernelStats.expRows - before.expRows
      const log = tsKernelStats.logRows - before.logRows
      expect(exp, `${N}×${M} γ ${gamma}: some rows in the exp domain`).toBeGreaterThan(0)
      expect(log, `${N}×${M} γ ${gamma}: some rows in the log domain`).toBeGreaterThan(0)
      expectClose(r.value, refValue(C, N, M, o), RTOL, ATOL, 'value')
      expectClose(r.grad!, refGrad(C, N, M, o), RTOL, ATOL, 'grad')
    }
  })
  test('at γ = 1 on the benchmark-like problems every row runs in the exp domain', () => {
    const before = { ...tsKernelStats }
    softDtw(randomMatrix(150, 75, rng(1)), 150, 75)
    expect(tsKernelStats.expRows - before.expRows).toBe(150)
    expect(tsKernelStats.logRows - before.logRows).toBe(0)
  })
  test('a forbidden cell sends the item to the log domain from that row on', () => {
    const C = randomMatrix(20, 6, rng(2))
    C[7 * 6 + 3] = Infinity
    const before = { ...tsKernelStats }
    const o = refOptions()
    const r = softDtw(C, 20, 6)
    expect(tsKernelStats.expRows - before.expRows).toBe(7)
    expectClose(r.grad!, refGrad(C, 20, 6, o), RTOL, ATOL, 'grad')
  })
})

describe('the definition: −γ log Σ over all warping paths of exp(−cost/γ)', () => {
  test.each(CONFIGS.filter(([n]) => !n.startsWith('normalize')))(
    '%s, tiny sizes',
    (_name, partial, scale) => {
      const rand = rng(5)
      const o = refOptions(partial)
      for (const [N, M] of [
        [1, 1],
        [2, 2],
        [3, 2],
        [2, 4],
        [4, 3],
        [4, 4],
      ] as [number, number][]) {
        const C = randomMatrix(N, M, rand, scale)
        const brute = refBruteForce(C, N, M, o)
        expectClose(softDtw(C, N, M, engineOptions(o)).value, brute, RTOL, ATOL, `${_name} ${N}×${M}`)
      }
    },
  )
  test('the soft-DTW value at C = 0 counts the paths: −γ log(#paths) (Delannoy numbers)', () => {
    // D(3,3) = 63 paths from (0,0) to (3,3) with the seed steps
    const v = softDtw(new Float64Array(16), 4, 4, { gamma: 1 }).value
    expectClose(v, -Math.log(63), RTOL, ATOL, 'Delannoy(3,3)')
    // stay-advance over N frames and M targets: C(N−1, M−1) paths
    const w = softDtw(new Float64Array(10 * 4), 10, 4, { gamma: 2, steps: 'stay-advance' }).value
    expectClose(w, -2 * Math.log(84), RTOL, ATOL, 'binom(9,3)')
  })
})

describe('hard DTW (γ = 0)', () => {
  test.each(CONFIGS)('%s: value, path and its 0/1 gradient', (_name, partial, scale) => {
    const rand = rng(9)
    const o = refOptions({ ...partial, gamma: 0 })
    for (const [N, M] of SHAPES) {
      const C = randomMatrix(N, M, rand, scale)
      const r = hardDtw(C, N, M, engineOptions(o))
      const label = `${_name} ${N}×${M}`
      const expected = refValue(C, N, M, o)
      expectClose(r.value, expected, RTOL, ATOL, `${label} value`)
      expectClose(r.grad!, refGrad(C, N, M, o), RTOL, ATOL, `${label} grad`)
      if (expected === Infinity) {
        expect(r.path).toEqual([])
        continue
      }
      // the path is admissible and its cost is the value
      const cost = refPathCost(C, N, M, o, r.path!)
      const norm = o.normalize === 'N' ? N : o.normalize === 'M' ? M : o.normalize === 'N+M' ? N + M : 1
      expectClose(cost / norm, r.value, RTOL, ATOL, `${label} path cost`)
    }
  })
  test('the gradient of hard DTW is the path matrix', () => {
    const rand = rng(3)
    const C = randomMatrix(7, 5, rand)
    const r = hardDtw(C, 7, 5)
    const P = new Float64Array(35)
    for (const [i, j] of r.path!) P[i * 5 + j] = 1
    expect(Array.from(r.grad!)).toEqual(Array.from(P))
    expect(r.path![0]).toEqual([0, 0])
    expect(r.path![r.path!.length - 1]).toEqual([6, 4])
  })
  test('ties go to the first listed step (the diagonal for the named sets)', () => {
    const r = hardDtw(new Float64Array(9), 3, 3)
    expect(r.path).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ])
  })
  test('value-only hard DTW (no gradient, no path) matches', () => {
    const rand = rng(4)
    for (const [N, M] of [
      [9, 4],
      [4, 9],
    ] as [number, number][]) {
      const C = randomMatrix(N, M, rand)
      const full = hardDtw(C, N, M)
      const v = hardDtw(C, N, M, { grad: false, path: false })
      expectClose(v.value, full.value, RTOL, ATOL, `${N}×${M}`)
      expect(v.grad).toBeUndefined()
      expect(v.path).toBeUndefined()
    }
  })
})

describe('γ → 0 converges to hard DTW', () => {
  test('min − γ log(#paths) ≤ soft-DTW ≤ min, and |E − path| ≤ P(any other path)', () => {
    const rand = rng(11)
    const N = 4
    const M = 5
    const C = randomMatrix(N, M, rand)
    const paths = refPaths(C, N, M, refOptions({ gamma: 0 }))
    const costs = paths.map((p) => p.cost)
    const dtw = Math.min(...costs)
    const hard = hardDtw(C, N, M)
    for (const gamma of [1, 0.1, 0.01, 1e-3, 1e-4]) {
      const s = softDtw(C, N, M, { gamma })
      expect(s.value).toBeLessThanOrEqual(dtw + 1e-15)
      expect(s.value).toBeGreaterThanOrEqual(dtw - gamma * Math.log(paths.length) - 1e-15)
      // the Gibbs probability of all non-optimal paths bounds how far E is from the 0/1 path matrix
      const others = costs.reduce((a, c) => a + (c === dtw ? 0 : Math.exp(-(c - dtw) / gamma)), 0)
      const pOther = others / (1 + others)
      const gap = Math.max(...Array.from(s.grad!, (e, k) => Math.abs(e - hard.grad![k]!)))
      expect(gap).toBeLessThanOrEqual(pOther + 1e-12)
    }
    expect(softDtw(C, N, M, { gamma: 1e-4 }).value).toBeCloseTo(dtw, 3)
  })
})

describe('gradient vs central finite differences', () => {
  // h = 1e-5 on costs of order 1: truncation O(h²) ≈ 1e-10, cancellation eps/h ≈ 2e-11
  const h = 1e-5
  const cases: [string, Partial<RefOptions>][] = [
    ['seed', { gamma: 0.7 }],
    ['stay-advance', { steps: REF_STAY_ADVANCE, gamma: 0.3 }],
    ['weights + penalties', CONFIGS[5]![1]],
    ['long steps', CONFIGS[6]![1]],
    [
      'open both + band + prior + N+M',
      { openBegin: true, openEnd: true, band: 1, prior: { weight: 1, width: 0.3 } },
    ],
  ]
  test.each(cases)('%s', (_name, partial) => {
    const rand = rng(21)
    const o = refOptions(partial)
    const N = 6
    const M = 4
    const C = randomMatrix(N, M, rand)
    const opts: Partial<DtwOptions> = engineOptions(o)
    const g = softDtw(C, N, M, opts).grad!
    const fd = new Float64Array(N * M)
    for (let k = 0; k < N * M; k++) {
      const Cp = C.slice()
      const Cm = C.slice()
      Cp[k] = C[k]! + h
      Cm[k] = C[k]! - h
      fd[k] =
        (softDtw(Cp, N, M, { ...opts, grad: false }).value -
          softDtw(Cm, N, M, { ...opts, grad: false }).value) /
        (2 * h)
    }
    expectClose(g, fd, 1e-5, 1e-8, `${_name} ∂value/∂C`)
  })
})

describe('float32 storage', () => {
  test('same value as float64 on the same numbers; gradient within the float32 rounding bound', () => {
    const rand = rng(8)
    for (const [N, M, opts] of [
      [20, 10, {}],
      [15, 15, { gamma: 0.1, band: 3 }],
      [12, 5, { steps: 'stay-advance' as const, openEnd: true }],
      [9, 6, { steps: CONFIGS[6]![1].steps, gamma: 2 }],
    ] as [number, number, Partial<DtwOptions>][]) {
      const C32 = Float32Array.from(randomMatrix(N, M, rand))
      const C64 = Float64Array.from(C32)
      const a = softDtw(C32, N, M, opts)
      const b = softDtw(C64, N, M, opts)
      expect(a.grad).toBeInstanceOf(Float32Array)
      // the forward pass is float64 arithmetic over the same inputs in both
      expect(a.value).toBe(b.value)
      // each stored weight is rounded to float32 (rel. 2^-24) and a path to the end multiplies ≤ N+M of
      // them, plus the final rounding of E: |ΔE| ≤ (N + M + 1)·2^-24·E
      const bound = (N + M + 1) * 2 ** -24
      expectClose(a.grad!, b.grad!, bound, 1e-30, `${N}×${M} float32 E`)
    }
  })
})

describe('batches with per-item lengths', () => {
  const rand = rng(13)
  const sizes: [number, number][] = [
    [5, 3],
    [1, 1],
    [9, 9],
    [3, 7],
    [12, 4],
  ]
  const items = sizes.map(([n, m]) => ({ cost: randomMatrix(n, m, rand), n, m }))
  test('a packed batch gives exactly the per-item results', () => {
    const r = dtwBatch(packBatch(items), { gamma: 0.5 })
    let off = 0
    items.forEach((it, b) => {
      const single = softDtw(it.cost, it.n, it.m, { gamma: 0.5 })
      expect(r.values[b]).toBe(single.value)
      expect(Array.from(r.grad!.subarray(off, off + it.n * it.m))).toEqual(Array.from(single.grad!))
      off += it.n * it.m
    })
  })
  test('a padded [B, maxN, maxM] batch never reads the padding and returns 0 gradient there', () => {
    const maxN = 12
    const maxM = 9
    const buf = new Float64Array(items.length * maxN * maxM).fill(Number.NaN)
    items.forEach((it, b) => {
      for (let i = 0; i < it.n; i++)
        for (let j = 0; j < it.m; j++) buf[b * maxN * maxM + i * maxM + j] = it.cost[i * it.m + j]!
    })
    const batch = paddedBatch(
      buf,
      items.map((i) => i.n),
      items.map((i) => i.m),
      maxN,
      maxM,
    )
    for (const gamma of [0.5, 0]) {
      const r = dtwBatch(batch, { gamma })
      const p = dtwBatch(packBatch(items), { gamma })
      expect(Array.from(r.values)).toEqual(Array.from(p.values))
      let pOff = 0
      items.forEach((it, b) => {
        for (let i = 0; i < maxN; i++)
          for (let j = 0; j < maxM; j++) {
            const g = r.grad![b * maxN * maxM + i * maxM + j]!
            if (i < it.n && j < it.m) expect(g).toBe(p.grad![pOff + i * it.m + j])
            else expect(g).toBe(0)
          }
        pOff += it.n * it.m
      })
      if (gamma === 0) expect(r.paths!.map((q) => Array.from(q))).toEqual(p.paths!.map((q) => Array.from(q)))
    }
  })
  test('float32 batch', () => {
    const f32 = items.map((it) => ({ ...it, cost: Float32Array.from(it.cost) }))
    const r = dtwBatch(packBatch(f32), {})
    expect(r.grad).toBeInstanceOf(Float32Array)
    f32.forEach((it, b) => {
      expect(r.values[b]).toBe(softDtw(Float64Array.from(it.cost), it.n, it.m).value)
    })
  })
  test('bad batches are rejected with a message naming the item', () => {
    const good = packBatch(items)
    expect(() => dtwBatch({ ...good, stride: Int32Array.of(3, 1, 9, 7, 2) })).toThrow(/item 4: row stride 2/)
    expect(() => dtwBatch({ ...good, n: Int32Array.of(5, 0, 9, 3, 12) })).toThrow(/item 1: empty/)
    expect(() => dtwBatch({ ...good, offset: Float64Array.of(0, 15, 16, 97, 1000) })).toThrow(
      /item 4: offset/,
    )
    const nan = packBatch(items)
    nan.cost[20] = Number.NaN
    expect(() => dtwBatch(nan)).toThrow(/item 2: C\(0, 4\) is NaN/)
    nan.cost[20] = Number.NEGATIVE_INFINITY
    expect(() => dtwBatch(nan)).toThrow(/-Infinity/)
  })
})

describe('accumulated cost matrix', () => {
  test('equals the reference R', () => {
    const rand = rng(17)
    for (const partial of [
      {},
      { gamma: 0 },
      { band: 1, openBegin: true },
      { steps: REF_STAY_ADVANCE },
    ] as Partial<RefOptions>[]) {
      const o = refOptions(partial)
      const C = randomMatrix(7, 5, rand)
      expectClose(
        accumulatedCost(C, 7, 5, engineOptions(o)),
        refAccumulate(C, 7, 5, o),
        RTOL,
        ATOL,
        JSON.stringify(partial),
      )
    }
  })
  test('the seed step set is recognised in any order', () => {
    const rand = rng(18)
    const C = randomMatrix(6, 6, rand)
    const shuffled = [REF_SEED[2]!, REF_SEED[0]!, REF_SEED[1]!]
    expectClose(softDtw(C, 6, 6, { steps: shuffled }).value, softDtw(C, 6, 6).value, RTOL, ATOL, 'order')
  })
})
