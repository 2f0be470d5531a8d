/**
 * Conformance of every accelerated DTW backend present (native C++ in several schedules and kernels;
 * CUDA when a GPU registered it) against the TypeScript engine and the independent float64 reference,
 * on random shapes and every option. Tolerances (docs/native.md "Tolerances"):
 * - float64 vs the TS engine and the float64 reference: rtol 1e-9, atol 1e-12·max(1, max|∂|). Both are
 *   float64 evaluations of the same recursion; observed differences are ~1e-14; a wrong formula shows
 *   at ≥ 1e-3.
 * - float32 storage: the value is float64 arithmetic (same rtol); each stored weight is rounded to
 *   float32, a path multiplies ≤ N + M of them: |ΔE| ≤ (N + M + 2)·2^-24·E.
 * - the schedules (threads, tiles, strip heights) compute the same operations in the same order: equal
 *   bit for bit.
 */
import { describe, expect, test } from 'vitest'
import { createNativeBackend, type NativeRunArgs, nativeOptions } from '../../../src/backend/native'
import {
  type DtwBackend,
  type DtwBatch,
  type DtwOptions,
  type FloatArray,
  packBatch,
  resolveDtwOptions,
  tsBackend,
} from '../../../src/core/dtw'
import { REF_STAY_ADVANCE, type RefOptions, refGrad, refOptions, refValue } from '../dtw/reference'
import {
  addon,
  expectClose,
  maxAbs,
  randomCosts,
  refSeedHighPrecision,
  rng,
  skipReason,
} from './native-helpers'

type Tuning = Pick<NativeRunArgs, 'forceKernel' | 'forceSchedule' | 'forceU' | 'chunk'>
const VARIANTS: [string, number, Tuning][] = [
  ['1 thread', 1, {}],
  ['2 threads, tile pipeline, chunk 16', 2, { forceSchedule: 2, chunk: 16 }],
  ['2 threads, items', 2, { forceSchedule: 1 }],
  ['generic scalar kernel', 1, { forceKernel: 1 }],
  ['strips of 1 vector, chunk 8', 1, { forceU: 1, chunk: 8 }],
  ['strips of 2 vectors, chunk 40, 2 threads tiles', 2, { forceU: 2, chunk: 40, forceSchedule: 2 }],
]

const SYM2 = [
  { di: 1, dj: 1, weight: 2 },
  { di: 1, dj: 0, weight: 1 },
  { di: 0, dj: 1, weight: 1 },
]
const PENALTIES = [
  { di: 1, dj: 1, weight: 1, penalty: 0.2 },
  { di: 1, dj: 0, weight: 1, penalty: 0.5 },
  { di: 0, dj: 1, weight: 1, penalty: -0.1 },
]
const LONG = [
  { di: 1, dj: 1 },
  { di: 2, dj: 1, weight: 1.5 },
  { di: 1, dj: 2, weight: 1.5 },
  { di: 1, dj: 0, weight: 3, penalty: 0.1 },
]
/** [label, options, cost scale] */
const CONFIGS: [string, Partial<DtwOptions>, number][] = [
  ['seed γ=1', {}, 1],
  ['seed γ=0.1', { gamma: 0.1 }, 3],
  ['seed γ=1e-4', { gamma: 1e-4 }, 1],
  ['seed γ=1e3', { gamma: 1e3 }, 1],
  ['stay-advance', { steps: 'stay-advance' }, 1],
  ['seed listed left-first', { steps: [SYM2[2]!, { di: 1, dj: 1 }, SYM2[1]!] }, 1],
  ['weighted (symmetric2)', { steps: SYM2 }, 1],
  ['penalties γ=0.5', { steps: PENALTIES, gamma: 0.5 }, 1],
  [
    'weighted stay-advance',
    {
      steps: [
        { di: 1, dj: 1, weight: 1.5 },
        { di: 1, dj: 0, penalty: 0.3 },
      ],
    },
    1,
  ],
  ['only (1,0),(0,1)', { steps: [SYM2[1]!, SYM2[2]!] }, 1],
  ['long steps (generic kernel)', { steps: LONG }, 1],
  ['band 0', { band: 0 }, 1],
  ['band 1', { band: 1 }, 1],
  ['band 2.5 stay-advance', { band: 2.5, steps: 'stay-advance' }, 1],
  ['open begin', { openBegin: true }, 1],
  ['open end', { openEnd: true }, 1],
  ['open both γ=0.3', { openBegin: true, openEnd: true, gamma: 0.3 }, 1],
  ['stay-advance open both', { steps: 'stay-advance', openBegin: true, openEnd: true }, 1],
  ['diagonal prior', { diagonalPrior: { weight: 1, width: 0.2 } }, 1],
  ['normalize N', { normalize: 'N' }, 1],
  ['normalize M', { normalize: 'M' }, 1],
  ['normalize N+M', { normalize: 'N+M' }, 1],
  [
    'combined',
    { band: 1, diagonalPrior: { weight: 0.5, width: 0.3 }, openEnd: true, normalize: 'N+M', gamma: 0.2 },
    2,
  ],
  [
    'weights + open both + band',
    { steps: PENALTIES, openBegin: true, openEnd: true, band: 2, gamma: 0.7 },
    1,
  ],
  ['costs 1e6, γ=1', {}, 1e6],
]
const HARD_CONFIGS = CONFIGS.filter(([l]) => !l.startsWith('seed γ')).map(
  ([l, o, s]) => [`hard ${l}`, { ...o, gamma: 0 }, s] as [string, Partial<DtwOptions>, number],
)

/** Shapes that cross strip (8·U rows), tile (chunk) and orientation (N > M transposes) boundaries. */
const SHAPES: [number, number][] = [
  [1, 1],
  [1, 7],
  [7, 1],
  [3, 5],
  [5, 3],
  [17, 9],
  [9, 17],
  [40, 33],
  [33, 40],
  [70, 12],
  [12, 70],
  [100, 45],
]

function single(C: FloatArray, N: number, M: number): DtwBatch {
  return {
    cost: C,
    n: Int32Array.of(N),
    m: Int32Array.of(M),
    offset: Float64Array.of(0),
    stride: Int32Array.of(M),
  }
}

function gradTol(g: ArrayLike<number>): number {
  return 1e-12 * Math.max(1, maxAbs(g))
}

describe.skipIf(skipReason !== '')('native backends vs the TypeScript engine (float64)', () => {
  const a = addon
  const backends: [string, DtwBackend][] = a
    ? VARIANTS.map(([l, t, tuning]) => [l, createNativeBackend(a, t, tuning)])
    : []
  describe.each([...CONFIGS, ...HARD_CONFIGS])('%s', (_label, opts, scale) => {
    const o = resolveDtwOptions(opts)
    const rand = rng(7)
    const cases = SHAPES.map(([N, M]) => {
      const C = randomCosts(N * M, rand, scale)
      return { N, M, C, ts: tsBackend.run(single(C, N, M), o) }
    })
    test.each(backends)('%s', (_name, backend) => {
      for (const { N, M, C, ts } of cases) {
        const r = backend.run(single(C, N, M), o)
        const label = `${N}×${M}`
        expectClose(
          r.values[0]!,
          ts.values[0]!,
          1e-9,
          1e-12 * Math.max(1, Math.abs(ts.values[0]!)),
          `${label} value`,
        )
        expectClose(r.grad!, ts.grad!, 1e-9, gradTol(ts.grad!), `${label} grad`)
        if (o.gamma === 0) {
          expect(r.paths, `${label} paths`).not.toBeNull()
          const p = r.paths![0]!
          const q = ts.paths![0]!
          // random real costs: ties have probability 0, the optimal path is unique
          expect(Array.from(p), `${label} path`).toEqual(Array.from(q))
        }
      }
    })
  })
})

/** refOptions equivalent of a DtwOptions subset (named steps, band, ends, prior, normalize). */
function ref(opts: Partial<DtwOptions>): RefOptions {
  return refOptions({
    gamma: opts.gamma ?? 1,
    steps: opts.steps === 'stay-advance' ? REF_STAY_ADVANCE : refOptions().steps,
    band: opts.band ?? null,
    openBegin: opts.openBegin ?? false,
    openEnd: opts.openEnd ?? false,
    prior: opts.diagonalPrior ?? null,
    normalize: opts.normalize ?? 'none',
  })
}

describe.skipIf(skipReason !== '')('native vs the independent float64 reference', () => {
  const cases: [string, Partial<DtwOptions>][] = [
    ['seed', {}],
    ['γ tiny', { gamma: 1e-4 }],
    ['γ huge', { gamma: 1e3 }],
    ['stay-advance', { steps: 'stay-advance' }],
    [
      'band + prior + open ends + normalize',
      {
        band: 1.5,
        diagonalPrior: { weight: 1, width: 0.2 },
        openBegin: true,
        openEnd: true,
        normalize: 'N+M',
      },
    ],
  ]
  // (hard DTW is compared with the TS engine above: main's reference has no γ = 0 gradient yet)
  test.each(cases)('%s: a packed batch of mixed sizes, float64 and float32', (_l, opts) => {
    const backend = createNativeBackend(addon!, 2, { forceSchedule: 2, chunk: 8 })
    const rand = rng(31)
    const sizes: [number, number][] = [
      [1, 1],
      [6, 3],
      [9, 9],
      [3, 8],
      [20, 7],
      [35, 11],
    ]
    const items = sizes.map(([n, m]) => ({ cost: randomCosts(n * m, rand, 3), n, m }))
    const o = ref(opts)
    const ro = resolveDtwOptions(opts)
    const r = backend.run(packBatch(items), ro)
    const f32 = items.map((it) => ({ ...it, cost: Float32Array.from(it.cost) }))
    const r32 = backend.run(packBatch(f32), ro)
    expect(r32.grad).toBeInstanceOf(Float32Array)
    let off = 0
    items.forEach((it, b) => {
      const g = refGrad(it.cost, it.n, it.m, o).flat()
      expectClose(r.values[b]!, refValue(it.cost, it.n, it.m, o), 1e-9, 1e-12, `item ${b} value`)
      expectClose(r.grad!.subarray(off, off + it.n * it.m), g, 1e-9, 1e-12, `item ${b} grad`)
      const c64 = Float64Array.from(f32[b]!.cost)
      const g64 = refGrad(c64, it.n, it.m, o).flat()
      expectClose(r32.values[b]!, refValue(c64, it.n, it.m, o), 1e-9, 1e-12, `f32 item ${b} value`)
      const bound = (it.n + it.m + 2) * 2 ** -24
      expectClose(r32.grad!.subarray(off, off + it.n * it.m), g64, bound, 1e-12, `f32 item ${b} grad`)
      off += it.n * it.m
    })
  })
})

describe.skipIf(skipReason !== '')('numerics at the edges', () => {
  test('γ from 1e-4 to 1e3 with costs up to 1e6: value and E against a double-double reference', () => {
    // the hard case: costs ≈ 1e6 that differ by a few γ, so many paths compete while |R|/γ ≈ 1e13 (any
    // float64 R loses eps·|R|/γ ≈ 1e-3 there; the column frames keep neighbouring values small)
    const backend = createNativeBackend(addon!, 2, { forceSchedule: 2, chunk: 16 })
    const rand = rng(99)
    for (const [N, M] of [
      [30, 20],
      [20, 45],
      [70, 40],
      [130, 90],
    ] as [number, number][]) {
      for (const gamma of [1e-4, 1e-2, 1, 1e3]) {
        for (const scale of [1, 1e3, 1e6]) {
          const C = randomCosts(N * M, rand, 5 * gamma, scale)
          const ref = refSeedHighPrecision(C, N, M, gamma)
          const r = backend.run(single(C, N, M), resolveDtwOptions({ gamma }))
          const label = `${N}×${M} γ=${gamma} costs ~${scale}`
          expectClose(r.values[0]!, ref.value, 1e-14, 0, `${label} value`)
          expect(Array.from(r.grad!).every(Number.isFinite), `${label} finite E`).toBe(true)
          // E ∈ [0, 1] (1 at the end cell); observed |ΔE| ≤ 5e-14
          expectClose(r.grad!, ref.E, 0, 1e-12, `${label} E`)
        }
      }
    }
  })
  test('forbidden (+∞) cells: never NaN; unreachable end → +∞ value, zero gradient', () => {
    const backend = createNativeBackend(addon!, 1)
    const rand = rng(5)
    for (const [N, M] of [
      [12, 9],
      [9, 40],
      [50, 33],
    ] as [number, number][]) {
      const C = randomCosts(N * M, rand)
      for (let k = 0; k < C.length; k++) if (rand() < 0.15 && k !== 0 && k !== C.length - 1) C[k] = Infinity
      for (const opts of [
        {},
        { gamma: 0.05 },
        { gamma: 0 },
        { steps: 'stay-advance' as const },
        { openEnd: true },
      ]) {
        const o = resolveDtwOptions(opts)
        const r = backend.run(single(C, N, M), o)
        const t = tsBackend.run(single(C, N, M), o)
        expectClose(r.values[0]!, t.values[0]!, 1e-9, 1e-12, `${N}×${M} ${JSON.stringify(opts)} value`)
        expectClose(r.grad!, t.grad!, 1e-9, 1e-12, `${N}×${M} ${JSON.stringify(opts)} grad`)
        for (let k = 0; k < C.length; k++) if (C[k] === Infinity) expect(r.grad![k]).toBe(0)
      }
      // a wall of +∞ across the matrix: no admissible path
      const wall = C.slice()
      for (let j = 0; j < M; j++) wall[Math.floor(N / 2) * M + j] = Infinity
      const r = backend.run(single(wall, N, M), resolveDtwOptions({}))
      expect(r.values[0]).toBe(Infinity)
      expect(maxAbs(r.grad!)).toBe(0)
      const h = backend.run(single(wall, N, M), resolveDtwOptions({ gamma: 0 }))
      expect(h.values[0]).toBe(Infinity)
      expect(Array.from(h.paths![0]!)).toEqual([])
    }
  })
  test('ties everywhere (integer and all-zero costs): soft-DTW weights of equal candidates are equal', () => {
    const r2 = rng(17)
    for (const [N, M] of [
      [20, 13],
      [13, 40],
      [33, 33],
    ] as [number, number][]) {
      const ints = Float64Array.from({ length: N * M }, () => Math.floor(r2() * 3))
      const zeros = new Float64Array(N * M)
      for (const C of [ints, zeros])
        for (const opts of [{}, { gamma: 0.3, steps: PENALTIES }, { steps: 'stay-advance' as const }]) {
          const o = resolveDtwOptions(opts)
          const t = tsBackend.run(single(C, N, M), o)
          for (const [l, th, tuning] of VARIANTS) {
            const r = createNativeBackend(addon!, th, tuning).run(single(C, N, M), o)
            expectClose(r.values[0]!, t.values[0]!, 1e-9, 1e-12, `${l} ${N}×${M} value`)
            expectClose(r.grad!, t.grad!, 1e-9, gradTol(t.grad!), `${l} ${N}×${M} grad`)
          }
        }
    }
    // zero costs: −γ log(#paths), the Delannoy number D(3, 3) = 63
    const v = createNativeBackend(addon!, 1).run(single(new Float64Array(16), 4, 4), resolveDtwOptions({}))
    expectClose(v.values[0]!, -Math.log(63), 1e-12, 0, 'Delannoy')
  })
  test('N = 1 and M = 1', () => {
    const backend = createNativeBackend(addon!, 2)
    for (const [N, M] of [
      [1, 1],
      [1, 300],
      [300, 1],
    ] as [number, number][]) {
      const C = randomCosts(N * M, rng(N + M))
      for (const opts of [{}, { gamma: 0 }, { openBegin: true, openEnd: true }, { gamma: 1e-4 }]) {
        const o = resolveDtwOptions(opts)
        const r = backend.run(single(C, N, M), o)
        const t = tsBackend.run(single(C, N, M), o)
        expectClose(r.values[0]!, t.values[0]!, 1e-9, 1e-12, `${N}×${M} value`)
        expectClose(r.grad!, t.grad!, 1e-9, 1e-12, `${N}×${M} grad`)
      }
    }
  })
})

describe.skipIf(skipReason !== '')('batches, layouts and schedules', () => {
  const rand = rng(13)
  const sizes: [number, number][] = [
    [5, 3],
    [1, 1],
    [90, 70],
    [3, 7],
    [120, 40],
    [40, 130],
    [12, 4],
  ]
  const items = sizes.map(([n, m]) => ({ cost: randomCosts(n * m, rand), n, m }))
  test('a padded [B, maxN, maxM] batch (NaN padding) equals the packed one; padding gets 0', () => {
    const maxN = 120
    const maxM = 130
    const buf = new Float64Array(items.length * maxN * maxM).fill(Number.NaN)
    items.forEach((it, b) => {
      for (let i = 0; i < it.n; i++)
        for (let j = 0; j < it.m; j++) buf[b * maxN * maxM + i * maxM + j] = it.cost[i * it.m + j]!
    })
    const padded: DtwBatch = {
      cost: buf,
      n: Int32Array.from(items, (i) => i.n),
      m: Int32Array.from(items, (i) => i.m),
      offset: Float64Array.from(items, (_, b) => b * maxN * maxM),
      stride: new Int32Array(items.length).fill(maxM),
    }
    for (const [l, t, tuning] of VARIANTS) {
      const backend = createNativeBackend(addon!, t, tuning)
      for (const gamma of [0.5, 0]) {
        const o = resolveDtwOptions({ gamma, validate: false })
        const r = backend.run(padded, o)
        const p = tsBackend.run(packBatch(items), o)
        let off = 0
        items.forEach((it, b) => {
          expectClose(r.values[b]!, p.values[b]!, 1e-9, 1e-12, `${l} γ=${gamma} item ${b} value`)
          for (let i = 0; i < maxN; i++)
            for (let j = 0; j < maxM; j++) {
              const g = r.grad![b * maxN * maxM + i * maxM + j]!
              if (i < it.n && j < it.m) {
                const e = p.grad![off + i * it.m + j]!
                if (Math.abs(g - e) > 1e-9 * Math.abs(e) + 1e-12)
                  throw new Error(`${l} γ=${gamma} item ${b} grad (${i}, ${j}): ${g} vs ${e}`)
              } else if (g !== 0) throw new Error(`${l} γ=${gamma} item ${b}: padding (${i}, ${j}) got ${g}`)
            }
          off += it.n * it.m
        })
        if (gamma === 0)
          expect(r.paths!.map((q) => Array.from(q))).toEqual(p.paths!.map((q) => Array.from(q)))
      }
    }
  })
  test('every schedule gives the same bits (threads, tiles, chunks)', () => {
    const batch = packBatch(items)
    for (const opts of [{}, { gamma: 0 }, { steps: 'stay-advance' as const, openEnd: true }, { band: 3 }]) {
      const o = resolveDtwOptions(opts)
      const base = createNativeBackend(addon!, 1).run(batch, o)
      for (const [threads, tuning] of [
        [2, { forceSchedule: 1 }],
        [2, { forceSchedule: 2 }],
        [2, { forceSchedule: 2, chunk: 8 }],
        [3, { forceSchedule: 2, chunk: 24 }],
      ] as [number, Tuning][]) {
        const r = createNativeBackend(addon!, threads, tuning).run(batch, o)
        expect(Array.from(r.values)).toEqual(Array.from(base.values))
        expect(Array.from(r.grad!)).toEqual(Array.from(base.grad!))
      }
    }
  })
  test('runAsync equals run; concurrent calls do not interfere', async () => {
    const backend = createNativeBackend(addon!, 2)
    const batch = packBatch(items)
    const o = resolveDtwOptions({ gamma: 0.3 })
    const sync = backend.run(batch, o)
    const all = await Promise.all([0, 1, 2, 3].map(() => backend.runAsync!(batch, o)))
    for (const r of all) {
      expect(Array.from(r.values)).toEqual(Array.from(sync.values))
      expect(Array.from(r.grad!)).toEqual(Array.from(sync.grad!))
    }
    const h = await backend.runAsync!(batch, resolveDtwOptions({ gamma: 0 }))
    expect(h.paths!.length).toBe(items.length)
  })
  test('value only (no gradient, no path) gives the same values', () => {
    const batch = packBatch(items)
    for (const opts of [{}, { gamma: 0 }, { steps: LONG }]) {
      const full = createNativeBackend(addon!, 2).run(batch, resolveDtwOptions(opts))
      const v = createNativeBackend(addon!, 2).run(
        batch,
        resolveDtwOptions({ ...opts, grad: false, path: false }),
      )
      expect(v.grad).toBeNull()
      expect(v.paths).toBeNull()
      expectClose(v.values, full.values, 1e-12, 0, JSON.stringify(opts))
    }
  })
  test('hard DTW on integer costs: the same paths as the TS engine, ties to the first listed step', () => {
    const r2 = rng(3)
    for (const [N, M] of [
      [30, 20],
      [20, 30],
      [45, 45],
    ] as [number, number][]) {
      const C = new Float64Array(N * M)
      for (let k = 0; k < C.length; k++) C[k] = Math.floor(r2() * 3)
      for (const opts of [
        { gamma: 0 },
        { gamma: 0, steps: 'stay-advance' as const },
        { gamma: 0, openBegin: true, openEnd: true },
        { gamma: 0, steps: [SYM2[2]!, SYM2[1]!, { di: 1, dj: 1 }] },
      ]) {
        const o = resolveDtwOptions(opts)
        const t = tsBackend.run(single(C, N, M), o)
        for (const [l, th, tuning] of VARIANTS) {
          const r = createNativeBackend(addon!, th, tuning).run(single(C, N, M), o)
          expect(r.values[0], `${l} ${N}×${M}`).toBe(t.values[0])
          expect(Array.from(r.paths![0]!), `${l} ${N}×${M} ${JSON.stringify(opts)}`).toEqual(
            Array.from(t.paths![0]!),
          )
          expect(Array.from(r.grad!)).toEqual(Array.from(t.grad!))
        }
      }
    }
  })
})

describe.skipIf(skipReason !== '')('the addon: plans and argument checks', () => {
  const o = resolveDtwOptions({})
  test('seed-neighbourhood steps use the SIMD strip kernel along the longer axis; long steps the generic one', () => {
    const flat = (opts: Partial<DtwOptions>) => ({ opts: createNativeArgsOpts(opts) })
    const a = addon!.plan(150, 16, flat({}))
    expect(a.kernel).toBe('strip')
    expect(a.transposed).toBe(true)
    expect(a.rows).toBe(16)
    expect(a.cols).toBe(150)
    expect(a.strips).toBe(Math.ceil(16 / a.H))
    const b = addon!.plan(16, 150, flat({ steps: 'stay-advance' }))
    expect(b.transposed).toBe(false)
    expect(addon!.plan(40, 40, flat({ steps: LONG })).kernel).toBe('generic')
    expect(addon!.plan(40, 40, { ...flat({}), forceKernel: 1 }).kernel).toBe('generic')
    void o
  })
  test('inconsistent buffers are rejected with a message', () => {
    const C = new Float64Array(12)
    const args = {
      cost: C,
      n: Int32Array.of(3),
      m: Int32Array.of(5),
      offset: Float64Array.of(0),
      stride: Int32Array.of(5),
      values: new Float64Array(1),
      grad: new Float64Array(12),
      opts: createNativeArgsOpts({}),
      threads: 1,
    }
    expect(() => addon!.run(args)).toThrow(/overruns the cost buffer/)
    expect(() => addon!.run({ ...args, n: Int32Array.of(2), grad: new Float32Array(12) })).toThrow(
      /type and length of cost/,
    )
    expect(() => addon!.run({ ...args, n: Int32Array.of(2), values: new Float64Array(3) })).toThrow(
      /one entry per item/,
    )
  })
})

function createNativeArgsOpts(opts: Partial<DtwOptions>) {
  return nativeOptions(resolveDtwOptions(opts))
}
