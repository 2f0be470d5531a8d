/**
 * Finding and loading the addon (explicit path → prebuilds → build/Release), the reasons given when it
 * cannot load, and the registration into the DTW engine (auto picks native; the TS engine remains).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, test } from 'vitest'
import {
  buildRecord,
  candidates,
  loadNativeAddon,
  nativeSourceHash,
  registerNativeDtwBackends,
  unregisterNativeDtwBackends,
} from '../../../src/backend/native'
import { dtwBatch, dtwBatchAsync, packBatch, softDtwDivergence } from '../../../src/core/dtw'
import { REPO_ROOT } from '../../helpers/corpus'
import { expectClose, rng, skipReason } from './native-helpers'

const temps: string[] = []
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
  unregisterNativeDtwBackends()
})
function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'cw-native-'))
  temps.push(d)
  mkdirSync(join(d, 'native', 'build'), { recursive: true })
  return d
}

describe('the loader', () => {
  test('looks in better-sqlite3’s order: explicit path, prebuilds/<platform>-<arch>.node, build/Release', () => {
    const c = candidates('/app', '/x/my.node')
    expect(c.map((x) => x.source)).toEqual(['explicit', 'prebuild', 'build'])
    expect(c[0]!.path).toBe('/x/my.node')
    expect(c[1]!.path).toBe(join('/app', 'native', 'prebuilds', `${process.platform}-${process.arch}.node`))
    expect(c[2]!.path).toBe(join('/app', 'native', 'build', 'Release', 'chordwarp_native.node'))
  })
  test('nothing built: the reason recorded by the install step is reported', () => {
    const root = tempRoot()
    writeFileSync(
      join(root, 'native', 'build', 'unavailable.json'),
      JSON.stringify({ reason: 'the C++ build failed: g++: not found' }),
    )
    const r = loadNativeAddon({ root, env: {} })
    expect(r.addon).toBeNull()
    expect(r.reason).toBe('the C++ build failed: g++: not found')
  })
  test('nothing built and nothing recorded: says how to build', () => {
    const r = loadNativeAddon({ root: tempRoot(), env: {} })
    expect(r.reason).toMatch(/not built \(run "npm run build:native"/)
  })
  test('a broken file is reported with its error; an explicit path that does not exist too', () => {
    const root = tempRoot()
    mkdirSync(join(root, 'native', 'build', 'Release'), { recursive: true })
    writeFileSync(join(root, 'native', 'build', 'Release', 'chordwarp_native.node'), 'not an ELF file')
    const r = loadNativeAddon({ root, env: {}, nativeBinding: join(root, 'nope.node') })
    expect(r.addon).toBeNull()
    expect(r.tried[0]).toEqual({ path: join(root, 'nope.node'), error: 'file not found' })
    expect(r.reason).toMatch(/chordwarp_native\.node did not load: /)
  })
  test('CHORDWARP_NATIVE=0 disables it', () => {
    const r = loadNativeAddon({ root: REPO_ROOT, env: { CHORDWARP_NATIVE: '0' } })
    expect(r.addon).toBeNull()
    expect(r.reason).toBe('disabled by CHORDWARP_NATIVE=0')
  })
  test.skipIf(skipReason !== '')('the build record matches the sources it was built from', () => {
    const rec = buildRecord(REPO_ROOT)
    expect(rec).not.toBeNull()
    // scripts/test.mjs rebuilds a stale addon before the tests
    expect(rec!.sourceHash).toBe(nativeSourceHash(REPO_ROOT))
  })
})

describe.skipIf(skipReason !== '')('registration into the DTW engine', () => {
  const rand = rng(4)
  const items = [
    [40, 12],
    [7, 30],
    [1, 1],
  ].map(([N, M]) => ({ cost: Float64Array.from({ length: N! * M! }, () => rand()), n: N!, m: M! }))
  test('auto picks native; ts stays available; results agree', async () => {
    const st = registerNativeDtwBackends({ root: REPO_ROOT, threads: 2 })
    expect(st.native.registered).toBe(true)
    const a = dtwBatch(packBatch(items), { gamma: 0.5 })
    expect(a.backend).toBe('native')
    const t = dtwBatch(packBatch(items), { gamma: 0.5, backend: 'ts' })
    expectClose(a.values, t.values, 1e-9, 1e-12, 'values')
    expectClose(a.grad!, t.grad!, 1e-9, 1e-12, 'grad')
    const b = await dtwBatchAsync(packBatch(items), { gamma: 0.5 })
    expect(b.backend).toBe('native')
    expect(Array.from(b.values)).toEqual(Array.from(a.values))
  })
  test('the addon loads and runs in worker threads (training runs in one), concurrently', async () => {
    const file = join(REPO_ROOT, 'native', 'build', 'Release', 'chordwarp_native.node')
    const code = `
      const { parentPort, workerData } = require('node:worker_threads')
      const a = require(workerData.file)
      const N = 60, M = 25
      const cost = Float64Array.from({ length: N * M }, (_, k) => ((k * 7919) % 101) / 101)
      const args = () => ({ cost, n: Int32Array.of(N), m: Int32Array.of(M), offset: Float64Array.of(0),
        stride: Int32Array.of(M), values: new Float64Array(1), grad: new Float64Array(N * M), threads: 2,
        opts: { gamma: 0.5, stepDi: Int32Array.of(1, 1, 0), stepDj: Int32Array.of(1, 0, 1),
          stepWeight: Float64Array.of(1, 1, 1), stepPenalty: Float64Array.of(0, 0, 0), unitSteps: true,
          band: -1, openBegin: false, openEnd: false, priorW: 0, priorK: 0, normalize: 0, grad: true, path: true } })
      const s = args()
      a.run(s)
      const x = args()
      a.runAsync(x).then(() => parentPort.postMessage([s.values[0], x.values[0]]))`
    const results = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<number[]>((res, rej) => {
            const w = new Worker(code, { eval: true, workerData: { file } })
            w.on('message', res)
            w.on('error', rej)
          }),
      ),
    )
    const N = 60
    const M = 25
    const cost = Float64Array.from({ length: N * M }, (_, k) => ((k * 7919) % 101) / 101)
    const ts = dtwBatch(packBatch([{ cost, n: N, m: M }]), { gamma: 0.5, backend: 'ts' }).values[0]!
    for (const [a, b] of results) {
      expectClose(a!, ts, 1e-9, 1e-12, 'worker run')
      expect(b).toBe(a)
    }
  })
  test('the soft-DTW divergence (three engine calls) runs on native and matches ts', () => {
    registerNativeDtwBackends({ root: REPO_ROOT, threads: 1 })
    const d = 4
    const x = Float64Array.from({ length: 30 * d }, () => rand())
    const y = Float64Array.from({ length: 22 * d }, () => rand())
    const nat = softDtwDivergence(x, y, d, { gamma: 0.3 })
    const ts = softDtwDivergence(x, y, d, { gamma: 0.3, backend: 'ts' })
    expectClose(nat.value, ts.value, 1e-9, 1e-12, 'divergence')
    expectClose(nat.gradX!, ts.gradX!, 1e-9, 1e-12, 'gradX')
    expectClose(nat.gradY!, ts.gradY!, 1e-9, 1e-12, 'gradY')
  })
})
