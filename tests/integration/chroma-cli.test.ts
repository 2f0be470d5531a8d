/** `chordwarp chroma` as a user runs it, and the feature cache behind it. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  analyzeFile,
  DirectoryFeatureCache,
  deserializeChroma,
  FEATURES_VERSION,
  featureCacheKey,
  hashFile,
  serializeChroma,
} from '../../src/backend/features'
import { loadRecording } from '../../src/cli/commands/recording'
import { computeChroma } from '../../src/core/features'
import { chordwarp } from '../helpers/cli'

let dir = ''
let env: Record<string, string> = {}
const f = (name: string) => join(dir, name)

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-chroma-'))
  env = { CHORDWARP_CACHE_DIR: join(dir, 'cache') }
  const r = spawnSync('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'aevalsrc=0.3*sin(2*PI*261.63*t)+0.2*sin(2*PI*329.63*t)+0.2*sin(2*PI*392*t):s=44100:d=2',
    '-ac',
    '2',
    f('c-major.wav'),
  ])
  expect(r.status).toBe(0)
  writeFileSync(f('notes.wav'), 'not audio at all\n')
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('chordwarp chroma', () => {
  test('--json: rates, T×12 chroma and bass, tuning; C major lights C, E, G', () => {
    const r = chordwarp(['chroma', f('c-major.wav'), '--json'], undefined, env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({ pipeline: 'align', hop: 1024, window: 4096, sampleRate: 22050, cached: false })
    expect(j.frameRate).toBeCloseTo(22050 / 1024, 12)
    expect(j.frames).toBe(1 + Math.floor(44100 / 1024))
    expect(j.chroma).toHaveLength(j.frames)
    expect(j.bass).toHaveLength(j.frames)
    expect(j.chroma[20]).toHaveLength(12)
    expect(Math.abs(j.tuningCents)).toBeLessThan(2)
    expect(j.tuning.confidence).toBeGreaterThan(0.8)
    const mid = j.chroma[20] as number[]
    const top = [...mid.keys()].sort((a, b) => mid[b]! - mid[a]!).slice(0, 3)
    expect(top.sort((a, b) => a - b)).toEqual([0, 4, 7])
    // a second run comes from the cache, with the same numbers
    const again = JSON.parse(chordwarp(['chroma', f('c-major.wav'), '--json'], undefined, env).stdout)
    expect(again.cached).toBe(true)
    expect(again.chroma).toEqual(j.chroma)
    // the decoded length and the per-frame level come back with it (no estimate from the frame count)
    expect(j.duration).toBe(2)
    expect(again.duration).toBe(2)
    expect(again.samples).toBe(44100)
    expect(j.levelDb).toHaveLength(j.frames)
    expect(again.levelDb).toEqual(j.levelDb)
    expect(j.levelDb[20]).toBeGreaterThan(-20)
    expect(j.onset).toHaveLength(j.frames)
    expect(again.onset).toEqual(j.onset)
  })

  test('--pipeline fmp with --hop/--win/--sr/--tuning/--gamma/--norm', () => {
    const r = chordwarp(
      [
        'chroma',
        f('c-major.wav'),
        '--pipeline',
        'fmp',
        '--hop',
        '512',
        '--win',
        '2048',
        '--sr',
        '16000',
        '--tuning',
        '10',
        '--gamma',
        '1',
        '--norm',
        'max',
        '--json',
        '--no-cache',
      ],
      undefined,
      env,
    )
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({ pipeline: 'fmp', hop: 512, window: 2048, sampleRate: 16000, tuningCents: 10 })
    expect(j.bass).toBeUndefined()
    expect(j.frames).toBe(1 + Math.floor(32000 / 512))
    expect(Math.max(...(j.chroma[10] as number[]))).toBeCloseTo(1, 5)
  })

  test('--csv has a time column at frame centres; --npy writes a NumPy array', () => {
    const r = chordwarp(['chroma', f('c-major.wav'), '--csv'], undefined, env)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe(
      'time,C,C#,D,D#,E,F,F#,G,G#,A,A#,B,bass_C,bass_C#,bass_D,bass_D#,bass_E,bass_F,bass_F#,bass_G,bass_G#,bass_A,bass_A#,bass_B',
    )
    expect(lines).toHaveLength(1 + 1 + Math.floor(44100 / 1024))
    expect(Number(lines[2]!.split(',')[0])).toBeCloseTo(1024 / 22050, 6)
    const out = f('x.npy')
    expect(chordwarp(['chroma', f('c-major.wav'), '--npy', '-o', out], undefined, env).code).toBe(0)
    const b = readFileSync(out)
    expect(b.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY')
    const hl = b.readUInt16LE(8)
    expect((10 + hl) % 64).toBe(0)
    const header = b.subarray(10, 10 + hl).toString('latin1')
    expect(header).toContain(`'shape': (${1 + Math.floor(44100 / 1024)}, 24)`)
    expect(header).toContain("'descr': '<f4'")
    expect(b.length - 10 - hl).toBe(4 * 24 * (1 + Math.floor(44100 / 1024)))
  })

  test('bad input: one line on stderr, exit 1', () => {
    for (const [args, words] of [
      [['chroma', f('missing.mp3')], /missing\.mp3: no such file/],
      [['chroma', f('notes.wav')], /notes\.wav: is not an audio file/],
      [['chroma', f('c-major.wav'), '--pipeline', 'chordino'], /--pipeline must be align or fmp/],
      [['chroma', f('c-major.wav'), '--win', '3000'], /--win must be a power of two/],
      [['chroma', f('c-major.wav'), '--tuning', 'sharp'], /--tuning must be auto or cents/],
      [['chroma', f('c-major.wav'), '--npy'], /--npy writes binary/],
      [['chroma', f('c-major.wav'), '--json', '--csv'], /choose one of/],
    ] as const) {
      const r = chordwarp([...args], undefined, env)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(words)
    }
  })
})

describe('feature cache', () => {
  test('keys change with the content and with every option that changes the numbers', async () => {
    const h = await hashFile(f('c-major.wav'))
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    const k = featureCacheKey(h, {})
    expect(k).toMatch(new RegExp(`^${h}:align-[0-9a-f]{16}$`))
    expect(featureCacheKey(h, { pipeline: 'align', hopSize: 1024 })).toBe(k) // defaults spelled out
    const other = h.replace(/^./, h[0] === '0' ? '1' : '0')
    expect(featureCacheKey(other, {})).toBe(k.replace(h, other))
    const others = [
      featureCacheKey(h, { hopSize: 512 }),
      featureCacheKey(h, { tuning: 0 }),
      featureCacheKey(h, { logGamma: 10 }),
      featureCacheKey(h, { pipeline: 'fmp' }),
      featureCacheKey(h, {}, { attenuationDb: 120 }),
    ]
    expect(new Set([k, ...others]).size).toBe(others.length + 1)
    for (const o of others) expect(o.startsWith(`${h}:`)).toBe(true)
  })

  test('a directory cache round-trips chroma exactly, misses cleanly and drops damaged entries', async () => {
    const cache = new DirectoryFeatureCache(join(dir, 'unit-cache'))
    const x = Float32Array.from({ length: 30000 }, (_, i) => Math.sin(i * 0.05))
    for (const c of [computeChroma(x, 22050), computeChroma(x, 22050, { pipeline: 'fmp' })]) {
      expect(deserializeChroma(serializeChroma(c))).toEqual(c)
      cache.put(`k-${c.pipeline}`, c)
      expect(cache.get(`k-${c.pipeline}`)).toEqual(c)
    }
    expect(cache.get('absent')).toBeUndefined()
    const file = join(dir, 'unit-cache', 'k-align.chroma')
    cache.put(`${'ab'.repeat(32)}:fmp-0123`, computeChroma(x, 22050, { pipeline: 'fmp' }))
    expect(cache.get(`${'ab'.repeat(32)}:fmp-0123`)?.pipeline).toBe('fmp')
    expect(readdirSync(join(dir, 'unit-cache'))).toContain(`${'ab'.repeat(32)}.fmp-0123.chroma`)
    writeFileSync(file, readFileSync(file).subarray(0, 100))
    expect(cache.get('k-align')).toBeUndefined()
    expect(readdirSync(join(dir, 'unit-cache')).sort()).toEqual([
      `${'ab'.repeat(32)}.fmp-0123.chroma`,
      'k-fmp.chroma',
    ])
    expect(() => cache.get('../escape')).toThrow(/bad feature cache key/)
  })

  test('level, sample count and duration round-trip bit for bit; older formats and keys miss', () => {
    const x = Float32Array.from({ length: 44100 + 17 }, (_, i) => (i > 9000 ? Math.sin(i * 0.05) : 0))
    for (const c of [computeChroma(x, 44100), computeChroma(x, 44100, { pipeline: 'fmp' })]) {
      expect(c.levelDb?.length).toBe(c.frames)
      const back = deserializeChroma(serializeChroma(c))!
      expect(Buffer.from(back.levelDb!.buffer).equals(Buffer.from(c.levelDb!.buffer))).toBe(true)
      expect(Buffer.from(back.onset!.buffer).equals(Buffer.from(c.onset!.buffer))).toBe(true)
      expect(back.samples).toBe(c.samples)
      expect(back.duration).toBe(44117 / 44100)
      // format 1 (written before the level existed): a miss, recomputed
      const old = serializeChroma(c)
      new DataView(old.buffer).setUint32(4, 1, true)
      expect(deserializeChroma(old)).toBeUndefined()
      // a level block of the wrong length: a miss
      expect(deserializeChroma(serializeChroma(c).subarray(0, serializeChroma(c).length - 4))).toBeUndefined()
      expect(() => serializeChroma({ ...c, levelDb: c.levelDb!.subarray(1) })).toThrow(/one per frame/)
      expect(() => serializeChroma({ ...c, onset: c.onset!.subarray(1) })).toThrow(/onset has/)
      // only one of the two per-frame blocks
      const noLevel = { ...c }
      delete noLevel.levelDb
      expect(deserializeChroma(serializeChroma(noLevel))).toEqual(noLevel)
    }
    // without the optional fields: still round-trips
    const bare = computeChroma(x, 44100, { pipeline: 'fmp' })
    delete bare.levelDb
    delete bare.onset
    delete bare.samples
    delete bare.duration
    expect(deserializeChroma(serializeChroma(bare))).toEqual(bare)
    // keys carry the features version, so entries of the previous version are never looked up
    expect(FEATURES_VERSION).toBe(3)
  })

  test('analyzeFile reads and fills the cache', async () => {
    const cache = new DirectoryFeatureCache(join(dir, 'file-cache'))
    const a = await analyzeFile(f('c-major.wav'), { pipeline: 'fmp' }, { cache })
    expect(a.cached).toBe(false)
    expect(a.passes).toBe(1)
    const b = await analyzeFile(f('c-major.wav'), { pipeline: 'fmp' }, { cache })
    expect(b.cached).toBe(true)
    expect(b.cacheKey).toBe(a.cacheKey)
    expect(b.chroma).toEqual(a.chroma)
    expect(a.chroma.duration).toBe(a.decode!.duration)
    expect(b.chroma.duration).toBe(a.decode!.duration)
    expect(b.decode).toBeUndefined()
  })

  test('align/recognize recordings have the exact decoded length on a cache hit too', async () => {
    const opts = { cacheDir: join(dir, 'rec-cache') }
    const a = await loadRecording(f('c-major.wav'), opts)
    const b = await loadRecording(f('c-major.wav'), opts)
    expect(a.duration).toBe(2)
    expect(b.duration).toBe(2)
    expect(b.chroma.levelDb).toEqual(a.chroma.levelDb)
  })
})
