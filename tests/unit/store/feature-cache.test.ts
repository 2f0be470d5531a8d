/** store.featureCache: chroma by content hash + parameters, float32 blobs that round-trip bit-exactly. */
import { expect, test } from 'vitest'
import { type Chroma, type FeatureCache, featureKey } from '../../../src/backend/store'
import { addRecording, fakeHash, useFreshStore } from '../../helpers/store'

const ctx = useFreshStore()

function chroma(frames: number, withBass: boolean, seed = 1): Chroma {
  const data = new Float32Array(frames * 12)
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37 + seed) * 1e3 + 1 / (i + 1)
  data[0] = Number.MIN_VALUE
  data[1] = -0
  const c: Chroma = {
    data,
    frames,
    sampleRate: 22050,
    hopSize: 2048,
    windowSize: 4096,
    frameRate: 22050 / 2048,
    tuningCents: -13.5,
    tuning: { cents: -13.5, confidence: 0.8, margin: 36.5, alternative: 86.5, peaks: 412 },
    pipeline: 'align',
  }
  if (withBass) c.bass = data.map((v) => v / 2)
  return c
}

test('put then get returns the same values bit for bit, with the rates it was computed at', () => {
  const cache: FeatureCache = ctx.store.featureCache
  const c = chroma(1001, true)
  const key = featureKey(fakeHash('song'), { pipeline: 'align', hop: 2048, tuning: true })
  expect(cache.get(key)).toBeUndefined()
  cache.put(key, c)
  const back = cache.get(key)!
  expect(back.frames).toBe(1001)
  expect(back.frameRate).toBe(22050 / 2048)
  expect(back.tuningCents).toBe(-13.5)
  expect(back.pipeline).toBe('align')
  expect(back.windowSize).toBe(4096)
  expect(back.tuning).toEqual({ cents: -13.5, confidence: 0.8, margin: 36.5, alternative: 86.5, peaks: 412 })
  expect(back.data).toBeInstanceOf(Float32Array)
  expect(Buffer.from(back.data.buffer).equals(Buffer.from(c.data.buffer))).toBe(true)
  expect(Buffer.from(back.bass!.buffer).equals(Buffer.from(c.bass!.buffer))).toBe(true)
  const noBass = chroma(3, false)
  cache.put('plain-key', noBass)
  expect(cache.get('plain-key')!.bass).toBeUndefined()
  expect(ctx.store.featureCache.stats()).toEqual({ entries: 2, bytes: 1001 * 12 * 4 * 2 + 3 * 12 * 4 })
})

test('the per-frame level and onset, sample count and duration round-trip; a damaged level is a miss', () => {
  const levelDb = Float32Array.from({ length: 257 }, (_, t) => -120 + t * 0.37 + 1e-3 / (t + 1))
  const onset = Float32Array.from({ length: 257 }, (_, t) => (t % 7) * 0.25 + 1e-4 * t)
  const c: Chroma = { ...chroma(257, true), levelDb, onset }
  c.samples = 257 * 1024 - 3
  c.duration = c.samples / 22050
  const key = featureKey(fakeHash('lvl'), { pipeline: 'align' })
  ctx.store.featureCache.put(key, c)
  const back = ctx.store.featureCache.get(key)!
  expect(back.levelDb).toBeInstanceOf(Float32Array)
  expect(Buffer.from(back.levelDb!.buffer).equals(Buffer.from(levelDb.buffer))).toBe(true)
  expect(Buffer.from(back.onset!.buffer).equals(Buffer.from(onset.buffer))).toBe(true)
  expect(back.samples).toBe(c.samples)
  expect(back.duration).toBe(c.duration)
  expect(back).not.toHaveProperty('levelDbF32')
  expect(back).not.toHaveProperty('onsetF32')
  expect(ctx.store.featureCache.stats().bytes).toBe(257 * 12 * 4 * 2 + 2 * 257 * 4)
  expect(() => ctx.store.featureCache.put('bad', { ...c, levelDb: levelDb.subarray(1) })).toThrow(
    /one per frame/,
  )
  // a level that does not match the frame count is a miss, as is a level stored the wrong way
  ctx.store.db
    .prepare("UPDATE feature_cache SET meta = json_set(meta, '$.levelDbF32', 'AAAA') WHERE key = ?")
    .run(key)
  expect(ctx.store.featureCache.get(key)).toBeUndefined()
  ctx.store.featureCache.put(key, c)
  ctx.store.db
    .prepare(
      "UPDATE feature_cache SET meta = json_set(json_remove(meta, '$.levelDbF32'), '$.levelDb', json('{\"0\":1}')) WHERE key = ?",
    )
    .run(key)
  expect(ctx.store.featureCache.get(key)!.levelDb).toBeUndefined()
})

test('views into larger buffers are stored as their own bytes; put replaces', () => {
  const big = new Float32Array(12 * 10 + 5).map((_, i) => i)
  const view = big.subarray(5, 5 + 24)
  const c: Chroma = { ...chroma(2, false), data: view }
  ctx.store.featureCache.put('k', c)
  expect(Array.from(ctx.store.featureCache.get('k')!.data)).toEqual(Array.from(view))
  ctx.store.featureCache.put('k', chroma(4, false, 2))
  expect(ctx.store.featureCache.get('k')!.frames).toBe(4)
  expect(ctx.store.featureCache.stats().entries).toBe(1)
})

test('an entry without the metadata the Chroma type needs (written by schema v1) is a miss', () => {
  ctx.store.featureCache.put('k', chroma(2, false))
  ctx.store.db.prepare("UPDATE feature_cache SET meta = '{}' WHERE key = 'k'").run()
  expect(ctx.store.featureCache.get('k')).toBeUndefined()
  ctx.store.featureCache.put('k', chroma(2, false))
  expect(ctx.store.featureCache.get('k')!.windowSize).toBe(4096)
})

test('featureKey: same parameters in any order give one key; different ones differ', () => {
  const h = fakeHash('x')
  expect(featureKey(h, { a: 1, b: [1, 2], c: { d: true } })).toBe(
    featureKey(h, { c: { d: true }, b: [1, 2], a: 1 }),
  )
  expect(featureKey(h, { a: 1 })).not.toBe(featureKey(h, { a: 2 }))
  expect(featureKey(h, { a: 1 }).startsWith(`${h}:`)).toBe(true)
})

test('entries are dropped with their recording; evict and delete; shape errors', () => {
  const s = ctx.store
  const r = addRecording(s, 'song')
  s.featureCache.put(featureKey(r.hash, { p: 1 }), chroma(2, false))
  s.featureCache.put(featureKey(r.hash, { p: 2 }), chroma(2, false))
  s.featureCache.put(featureKey(fakeHash('other'), { p: 1 }), chroma(2, false))
  expect(s.featureCache.evict(fakeHash('other'))).toBe(1)
  s.recordings.remove(r.id)
  expect(s.featureCache.stats().entries).toBe(0)
  s.featureCache.put('k', chroma(2, false))
  expect(s.featureCache.delete('k')).toBe(true)
  expect(s.featureCache.delete('k')).toBe(false)
  expect(() => s.featureCache.put('bad', { ...chroma(2, false), frames: 3 })).toThrow(
    /expected frames×12 = 36/,
  )
  expect(() => s.featureCache.put('bad', { ...chroma(2, false), bass: new Float32Array(5) })).toThrow(/bass/)
})
