/**
 * The CUDA backend's host side, tested on the CPU (this machine has no GPU): the memory/launch plan
 * (native/src/cuda/plan.cc through the addon), that the kernels were compiled when nvcc is present, the
 * run-time probe and its reason, and when the backend declines a call. The kernels themselves are NOT
 * run here (docs/native.md "CUDA: what is verified").
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  CUDA_MIN_CELLS,
  cudaUnsupported,
  nativeOptions,
  registerNativeDtwBackends,
  unregisterNativeDtwBackends,
} from '../../../src/backend/native'
import { bandColumns, bandRows, listDtwBackends, resolveDtwOptions } from '../../../src/core/dtw'
import { REPO_ROOT } from '../../helpers/corpus'
import { addon, rng, skipReason } from './native-helpers'

const n = (...v: number[]) => Int32Array.from(v)

describe.skipIf(skipReason !== '')('CUDA plan (host code)', () => {
  test('strips of 32 rows along the short axis; every buffer packed from the items’ own sizes', () => {
    const N = n(150, 5, 3000, 64, 1)
    const M = n(75, 9, 200, 1024, 1)
    const p = addon!.cudaPlan(N, M, { dtype: 'float64', grad: true })
    const rows = [75, 5, 200, 64, 1]
    const cols = [150, 9, 3000, 1024, 1]
    expect(Array.from(p.itemRows)).toEqual(rows)
    expect(Array.from(p.itemCols)).toEqual(cols)
    const strips = rows.map((r) => Math.ceil(r / 32))
    expect(p.totalStrips).toBe(strips.reduce((a, b) => a + b, 0))
    // items' strips are consecutive tickets, top to bottom
    let g = 0
    strips.forEach((S, b) => {
      expect(p.itemStrip0[b]).toBe(g)
      for (let s = 0; s < S; s++, g++) {
        expect(p.stripItem[g]).toBe(b)
        expect(p.stripRow0[g]).toBe(s * 32)
        expect(p.stripOriented[g]).toBe(N[b]! > M[b]! ? 1 : 0)
      }
    })
    // packed costs: prefix sums of N·M, no padding to the largest item
    let off = 0
    for (let b = 0; b < N.length; b++) {
      expect(p.costOffset[b]).toBe(off)
      off += N[b]! * M[b]!
    }
    expect(p.costOffset[N.length]).toBe(off)
    // weights: 3 per lane and step, (Q + 31) steps of 32 lanes per strip; boundaries: Q per strip
    for (let s = 0; s < p.totalStrips; s++) {
      const Q = p.itemCols[p.stripItem[s]!]!
      expect(p.weightOffset[s + 1]! - p.weightOffset[s]!).toBe((Q + 31) * 32 * 3)
      expect(p.boundaryOffset[s + 1]! - p.boundaryOffset[s]!).toBe(Q)
    }
    expect(p.weightBytes).toBeGreaterThanOrEqual(p.weightOffset[p.totalStrips]! * 8)
    expect(p.bytes).toBeGreaterThanOrEqual(p.costBytes + p.weightBytes + p.boundaryBytes)
    expect(p.threadsPerBlock).toBe(128)
    expect(p.blocks).toBe(Math.ceil(p.totalStrips / 4))
  })
  test('memory is proportional to the real sizes: one long item does not inflate the others', () => {
    const small = addon!.cudaPlan(n(150, 150, 150), n(20, 20, 20), { dtype: 'float32' })
    const mixed = addon!.cudaPlan(n(150, 150, 150, 20000), n(20, 20, 20, 60), { dtype: 'float32' })
    const long = addon!.cudaPlan(n(20000), n(60), { dtype: 'float32' })
    // additive up to the 256-byte alignment of each buffer
    expect(Math.abs(mixed.bytes - small.bytes - long.bytes)).toBeLessThan(16 * 256)
    // a [B, maxN, maxM]-padded layout would need 4·20000·60 cells of weights; the plan needs ~1/4
    expect(mixed.weightBytes).toBeLessThan(0.3 * 4 * (20000 + 31) * 64 * 3 * 4)
  })
  test('no length cap (both lengths past 1024), float32 halves the storage, no gradient stores no weights', () => {
    const p = addon!.cudaPlan(n(200000), n(3000), { dtype: 'float64' })
    expect(p.itemRows[0]).toBe(3000)
    expect(p.itemCols[0]).toBe(200000)
    expect(p.totalStrips).toBe(Math.ceil(3000 / 32))
    expect(p.blocks).toBeGreaterThanOrEqual(1)
    expect(p.blocks).toBeLessThanOrEqual(132 * 8)
    const f32 = addon!.cudaPlan(n(200000), n(3000), { dtype: 'float32' })
    expect(f32.weightBytes).toBeLessThan(0.51 * p.weightBytes)
    const value = addon!.cudaPlan(n(200000), n(3000), { dtype: 'float64', grad: false })
    expect(value.weightBytes).toBe(0)
    expect(() => addon!.cudaPlan(n(2 ** 31 - 1), n(4), { dtype: 'float64' })).toThrow(/longer than 2\^30/)
    expect(() => addon!.cudaPlan(n(3, 0), n(4, 4), { dtype: 'float64' })).toThrow(/item 1: empty/)
  })
  test('the grid is sized by the multiprocessors (persistent warps take strip tickets)', () => {
    const p = addon!.cudaPlan(new Int32Array(4000).fill(100), new Int32Array(4000).fill(100), {
      dtype: 'float32',
      smCount: 10,
    })
    expect(p.totalStrips).toBe(4000 * 4)
    expect(p.blocks).toBe(80)
  })
})

describe.skipIf(skipReason !== '')('CUDA tables (host code): orientation, bands, column frames', () => {
  // a padded layout (stride > M) with +∞ cells, so that κ must skip forbidden cells and padding is never read
  const sizes: [number, number][] = [
    [6, 4],
    [4, 9],
    [40, 40],
    [1, 5],
  ]
  const maxM = 40
  const rand = rng(8)
  const offset = Float64Array.from(sizes, (_, b) => b * 40 * maxM)
  const cost = new Float64Array(sizes.length * 40 * maxM).fill(Number.NaN)
  sizes.forEach(([N, M], b) => {
    for (let i = 0; i < N; i++)
      for (let j = 0; j < M; j++) cost[offset[b]! + i * maxM + j] = rand() < 0.2 ? Infinity : 1e6 + rand()
  })
  const args = (opts: Parameters<typeof resolveDtwOptions>[0]) => ({
    cost,
    n: Int32Array.from(sizes, (s) => s[0]),
    m: Int32Array.from(sizes, (s) => s[1]),
    offset,
    stride: new Int32Array(sizes.length).fill(maxM),
    values: new Float64Array(sizes.length),
    grad: null,
    opts: nativeOptions(resolveDtwOptions(opts)),
    threads: 1,
  })
  test('κ_q is the first finite cost of each oriented column, G its exact running sum; items are oriented', () => {
    const t = addon!.cudaTables(args({ normalize: 'N+M' }))
    sizes.forEach(([N, M], b) => {
      const it = t.items[b]!
      const tr = N > M
      expect(it.transposed).toBe(tr)
      expect([it.R, it.Q]).toEqual([Math.min(N, M), Math.max(N, M)])
      expect(it.scale).toBeCloseTo(1 / (N + M), 15)
      expect(it.bandOff).toBe(-1)
      let exact = 0n // sum of κ in units of 2^-32 (the costs are 1e6 + k/2^32, exact in a double)
      for (let q = 0; q < it.Q; q++) {
        let want = 0
        for (let r = 0; r < it.R; r++) {
          const c = cost[offset[b]! + (tr ? q * maxM + r : r * maxM + q)]!
          if (c < Infinity) {
            want = c
            break
          }
        }
        expect(t.kap[it.colOff + q]).toBe(want)
        exact += BigInt(Math.round(want * 2 ** 32))
        // hi + lo represents the running sum exactly
        const g =
          BigInt(Math.round(t.Ghi[it.colOff + q]! * 2 ** 32)) +
          BigInt(Math.round(t.Glo[it.colOff + q]! * 2 ** 32))
        expect(g).toBe(exact)
      }
    })
  })
  test('band intervals are the engine’s, per oriented row (columns of a transposed item)', () => {
    const t = addon!.cudaTables(args({ band: 1.5 }))
    sizes.forEach(([N, M], b) => {
      const it = t.items[b]!
      const rows = bandRows(N, M, 1.5)
      const want = N > M ? bandColumns(rows, N, M) : rows
      expect(Array.from(t.bandLo.subarray(it.bandOff, it.bandOff + it.R))).toEqual(Array.from(want.lo))
      expect(Array.from(t.bandHi.subarray(it.bandOff, it.bandOff + it.R))).toEqual(Array.from(want.hi))
    })
  })
})

describe.skipIf(skipReason !== '')('CUDA at build and run time', () => {
  const nvcc = [
    '/usr/local/cuda/bin/nvcc',
    process.env.CUDA_HOME && join(process.env.CUDA_HOME, 'bin/nvcc'),
  ].find((p) => p && existsSync(p))
  test('when nvcc exists, the build compiled the kernels; otherwise it recorded why not', () => {
    const rec = JSON.parse(readFileSync(join(REPO_ROOT, 'native/build/build-info.json'), 'utf8')) as {
      cuda: { compiled: boolean; reason: string }
    }
    const build = JSON.parse(addon!.buildInfo) as { cuda: boolean }
    expect(build.cuda).toBe(rec.cuda.compiled)
    if (nvcc && process.env.CHORDWARP_CUDA !== '0') expect(rec.cuda.compiled).toBe(true)
    else expect(rec.cuda.reason).not.toBe('')
  })
  test('without a usable GPU the CUDA backend is not registered and says why', () => {
    const probe = addon!.cudaProbe()
    const st = registerNativeDtwBackends({ root: REPO_ROOT, threads: 1 })
    try {
      if (probe.available) {
        expect(st.cuda.registered).toBe(true)
        expect(listDtwBackends()[0]!.name).toBe('cuda')
        return
      }
      expect(st.cuda.registered).toBe(false)
      expect(listDtwBackends().map((b) => b.name)).toEqual(['native', 'ts'])
      if (probe.compiled)
        expect(st.cuda.reason).toMatch(/^no CUDA device: cudaGetDeviceCount (returned \d+|found 0)/)
      else expect(st.cuda.reason).toMatch(/built without CUDA/)
    } finally {
      unregisterNativeDtwBackends()
    }
  })
  test('the CUDA backend declines hard DTW, long steps and small batches (the CPU is better there)', () => {
    const info = (cells: number) => ({ dtype: 'float32' as const, items: 8, cells, maxN: 4096, maxM: 256 })
    expect(cudaUnsupported(resolveDtwOptions({}), info(8 * 4096 * 256))).toBeNull()
    expect(
      cudaUnsupported(resolveDtwOptions({ steps: 'stay-advance', band: 3 }), info(8 * 4096 * 256)),
    ).toBeNull()
    expect(cudaUnsupported(resolveDtwOptions({ gamma: 0 }), info(1e8))).toMatch(/hard DTW/)
    expect(cudaUnsupported(resolveDtwOptions({ steps: [{ di: 2, dj: 1 }] }), info(1e8))).toMatch(
      /step \(2, 1\)/,
    )
    expect(cudaUnsupported(resolveDtwOptions({}), info(CUDA_MIN_CELLS - 1))).toMatch(
      /below the GPU threshold/,
    )
  })
})
