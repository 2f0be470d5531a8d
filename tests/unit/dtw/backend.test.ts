/**
 * The backend registry, and one conformance suite run against every registered backend (TS here;
 * native and CUDA when src/backend registers them in this process) vs the float64 reference.
 */
import { describe, expect, test } from 'vitest'
import {
  type DtwBackend,
  type DtwBatch,
  type DtwOptions,
  dtwBatch,
  type FloatArray,
  listDtwBackends,
  packBatch,
  registerDtwBackend,
  resolveDtwOptions,
  selectDtwBackend,
  tsBackend,
} from '../../../src/core/dtw'
import { engineOptions, expectClose } from './helpers'
import { REF_STAY_ADVANCE, randomMatrix, refGrad, refOptions, refValue, rng } from './reference'

const info = { dtype: 'float64' as const, items: 1, cells: 4, maxN: 2, maxM: 2 }

function fakeBackend(
  name: 'native' | 'cuda',
  priority: number,
  ok: true | string,
): DtwBackend & { calls: number } {
  const b = {
    name,
    priority,
    threads: 4,
    calls: 0,
    supports: () => ok,
    run<T extends FloatArray>(batch: DtwBatch<T>, opts: ReturnType<typeof resolveDtwOptions>) {
      b.calls++
      return tsBackend.run(batch, opts)
    },
  }
  return b
}

describe('backend registry', () => {
  test('ts is always there and supports everything', () => {
    expect(listDtwBackends().map((b) => b.name)).toContain('ts')
    const c = selectDtwBackend('auto', resolveDtwOptions({ steps: 'stay-advance', band: 2 }), info)
    expect(c.backend.name).toBe('ts')
    expect(() => registerDtwBackend({ ...tsBackend })).toThrow(/cannot be replaced/)
  })
  test('auto picks the highest-priority backend that supports the call and says why', () => {
    const native = fakeBackend('native', 10, true)
    const cuda = fakeBackend('cuda', 20, 'batch too small for the GPU')
    const offN = registerDtwBackend(native)
    const offC = registerDtwBackend(cuda)
    try {
      const c = selectDtwBackend('auto', resolveDtwOptions(), info)
      expect(c.backend.name).toBe('native')
      expect(c.reason).toMatch(/cuda: batch too small/)
      const r = dtwBatch(packBatch([{ cost: new Float64Array(4), n: 2, m: 2 }]))
      expect(r.backend).toBe('native')
      expect(native.calls).toBe(1)
      expect(() =>
        dtwBatch(packBatch([{ cost: new Float64Array(4), n: 2, m: 2 }]), { backend: 'cuda' }),
      ).toThrow(/cannot run this call: batch too small/)
    } finally {
      offN()
      offC()
    }
    expect(listDtwBackends().map((b) => b.name)).toEqual(['ts'])
    expect(() => selectDtwBackend('native', resolveDtwOptions(), info)).toThrow(/not available/)
  })
})

describe.each(listDtwBackends().map((b) => [b.name]))('conformance: %s backend', (name) => {
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
    ['hard', { gamma: 0 }],
  ]
  test.each(cases)('%s: batch of mixed sizes vs the reference, float64 and float32', (_label, opts) => {
    const rand = rng(31)
    const sizes: [number, number][] = [
      [1, 1],
      [6, 3],
      [9, 9],
      [3, 8],
      [20, 7],
    ]
    const items = sizes.map(([n, m]) => ({ cost: randomMatrix(n, m, rand, 3), n, m }))
    const o = refOptions({
      gamma: opts.gamma ?? 1,
      steps: opts.steps === 'stay-advance' ? REF_STAY_ADVANCE : refOptions().steps,
      band: opts.band ?? null,
      openBegin: opts.openBegin ?? false,
      openEnd: opts.openEnd ?? false,
      prior: opts.diagonalPrior ?? null,
      normalize: opts.normalize ?? 'none',
    })
    const r = dtwBatch(packBatch(items), { ...engineOptions(o), backend: name })
    expect(r.backend).toBe(name)
    let off = 0
    items.forEach((it, b) => {
      expectClose(r.values[b]!, refValue(it.cost, it.n, it.m, o), 1e-9, 1e-12, `item ${b} value`)
      expectClose(
        r.grad!.subarray(off, off + it.n * it.m),
        refGrad(it.cost, it.n, it.m, o),
        1e-9,
        1e-12,
        `item ${b} grad`,
      )
      off += it.n * it.m
    })
    const f32 = items.map((it) => ({ ...it, cost: Float32Array.from(it.cost) }))
    const r32 = dtwBatch(packBatch(f32), { ...engineOptions(o), backend: name })
    expect(r32.grad).toBeInstanceOf(Float32Array)
    off = 0
    f32.forEach((it, b) => {
      const c64 = Float64Array.from(it.cost)
      expectClose(r32.values[b]!, refValue(c64, it.n, it.m, o), 1e-9, 1e-12, `f32 item ${b} value`)
      const bound = (it.n + it.m + 2) * 2 ** -24
      expectClose(
        r32.grad!.subarray(off, off + it.n * it.m),
        refGrad(c64, it.n, it.m, o),
        bound,
        1e-12,
        `f32 item ${b} grad`,
      )
      off += it.n * it.m
    })
  })
})
