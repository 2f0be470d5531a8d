/** Waveform peaks: the streaming accumulator against a plain reference, the file path, the wire form, the cache. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  defaultPeaksOptions,
  PeakAccumulator,
  PeaksCache,
  peakBucketRate,
  peaksDto,
  peaksOfFile,
} from '../../../src/backend/service/peaks'
import { decodeInt16, encodeInt16, PEAK_LEVELS, PeaksDto } from '../../../src/core/api'

const dir = mkdtempSync(join(tmpdir(), 'cw-peaks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Seeded uniform numbers in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 31 - 1
  }
}

/**
 * The reference, written from the definition: mono = float32 of the float64 mean of the channels;
 * bucket i = samples [⌊i·sr/rate⌋, ⌊(i+1)·sr/rate⌋) (BigInt arithmetic), cut at the end.
 */
function reference(channels: Float32Array[], sr: number, rate: number) {
  const n = channels[0]!.length
  const mono: number[] = []
  for (let t = 0; t < n; t++) {
    let s = 0
    for (const c of channels) s += c[t]!
    mono.push(Math.fround(s / channels.length))
  }
  const max: number[] = []
  const min: number[] = []
  for (let i = 0; ; i++) {
    const a = Number((BigInt(i) * BigInt(sr)) / BigInt(rate))
    if (a >= n) break
    const b = Math.min(n, Number((BigInt(i + 1) * BigInt(sr)) / BigInt(rate)))
    const slice = mono.slice(a, b)
    max.push(Math.max(...slice))
    min.push(Math.min(...slice))
  }
  return { max, min }
}

/** Push `channels` in chunks of the given sizes (cycled). */
function accumulate(channels: Float32Array[], sr: number, rate: number, sizes: number[]) {
  const acc = new PeakAccumulator(rate)
  const n = channels[0]!.length
  for (let at = 0, k = 0; at < n; k++) {
    const len = Math.min(sizes[k % sizes.length]!, n - at)
    acc.push(
      channels.map((c) => c.subarray(at, at + len)),
      sr,
    )
    at += len
  }
  return acc.finish()
}

describe('PeakAccumulator', () => {
  it('cuts buckets at ⌊i·sr/rate⌋ (hand-checked: sr 7, rate 3 → sizes 2, 2, 3, …) with a partial last one', () => {
    const x = Float32Array.from([0, 1, -2, 3, 4, -5, 6, 7, -8, 9, 10])
    const p = accumulate([x], 7, 3, [4])
    // buckets: [0,2) [2,4) [4,7) [7,9) [9,11) — the last is cut at 11 samples (its full size would be 2)
    expect(Array.from(p.max)).toEqual([1, 3, 6, 7, 10])
    expect(Array.from(p.min)).toEqual([0, -2, -5, -8, 9])
    expect(p.samples).toBe(11)
    expect(p.sampleRate).toBe(7)
  })

  it('matches the reference on a stereo signal, whatever the chunking (44.1 kHz, 1000 and 100 buckets/s)', () => {
    const sr = 44100
    const n = sr * 2 + 1234 // 2.028 s: the last bucket is partial at both rates
    const r = rng(7)
    const left = new Float32Array(n)
    const right = new Float32Array(n)
    for (let t = 0; t < n; t++) {
      // a tone, a different one on the right, noise, and a loud click on one side only
      left[t] = 0.5 * Math.sin((2 * Math.PI * 220 * t) / sr) + 0.1 * r()
      right[t] = 0.3 * Math.sin((2 * Math.PI * 331 * t) / sr) + 0.1 * r()
    }
    left[30_000] = 0.99
    right[50_000] = -0.97
    for (const rate of [1000, 100]) {
      const ref = reference([left, right], sr, rate)
      expect(ref.max.length).toBe(Math.ceil((n * rate) / sr))
      for (const sizes of [[n], [1], [44, 45, 1, 4096], [1000, 0, 333]]) {
        if (sizes.length === 1 && sizes[0] === 1 && rate === 100) continue // one sample per push is slow; once is enough
        const p = accumulate([left, right], sr, rate, sizes)
        expect(p.bucketRate).toBe(rate)
        expect(Array.from(p.max)).toEqual(ref.max)
        expect(Array.from(p.min)).toEqual(ref.min)
      }
    }
    // the one-sided click shows at half its height in the mono mix, in the right bucket
    const p = accumulate([left, right], sr, 1000, [8192])
    const b = Math.ceil(((30_000 + 1) * 1000) / sr) - 1
    expect(p.max[b]).toBe(Math.fround((0.99 + right[30_000]!) / 2))
  })

  it('refuses a sample rate change and an empty stream', () => {
    const acc = new PeakAccumulator(100)
    acc.push([new Float32Array(10)], 8000)
    expect(() => acc.push([new Float32Array(10)], 16000)).toThrow(/sample rate changed/)
    expect(() => new PeakAccumulator(100).finish()).toThrow(/no samples/)
    expect(() => new PeakAccumulator(0)).toThrow(/positive integer/)
    expect(() => new PeakAccumulator(1000).push([new Float32Array(1)], 500)).toThrow(/below the bucket rate/)
  })
})

describe('bucket rate', () => {
  it('keeps 1000 buckets/s up to 10 min, lowers it to stay within 600 000 buckets, floors at 100/s', () => {
    expect(defaultPeaksOptions).toMatchObject({
      maxBucketRate: 1000,
      minBucketRate: 100,
      maxBuckets: 600_000,
    })
    expect(peakBucketRate(30)).toBe(1000)
    expect(peakBucketRate(600)).toBe(1000)
    expect(peakBucketRate(1200)).toBe(500)
    expect(peakBucketRate(3600)).toBe(166)
    expect(peakBucketRate(6000)).toBe(100)
    expect(peakBucketRate(5 * 3600)).toBe(100)
    expect(peakBucketRate(null)).toBe(100)
    expect(peakBucketRate(0)).toBe(100)
  })
})

/** A 16-bit PCM WAV file of interleaved integer samples. */
function writeWav(path: string, sr: number, channels: Int16Array[]): void {
  const n = channels[0]!.length
  const ch = channels.length
  const buf = Buffer.alloc(44 + n * ch * 2)
  buf.write('RIFF', 0)
  buf.writeUInt32LE(36 + n * ch * 2, 4)
  buf.write('WAVEfmt ', 8)
  buf.writeUInt32LE(16, 16)
  buf.writeUInt16LE(1, 20)
  buf.writeUInt16LE(ch, 22)
  buf.writeUInt32LE(sr, 24)
  buf.writeUInt32LE(sr * ch * 2, 28)
  buf.writeUInt16LE(ch * 2, 32)
  buf.writeUInt16LE(16, 34)
  buf.write('data', 36)
  buf.writeUInt32LE(n * ch * 2, 40)
  for (let t = 0; t < n; t++)
    for (let c = 0; c < ch; c++) buf.writeInt16LE(channels[c]![t]!, 44 + (t * ch + c) * 2)
  writeFileSync(path, buf)
}

describe('peaks of a file', () => {
  const sr = 22050
  const n = sr * 3 + 777
  const r = rng(11)
  const li = new Int16Array(n)
  const ri = new Int16Array(n)
  for (let t = 0; t < n; t++) {
    li[t] = Math.round(20000 * Math.sin((2 * Math.PI * 110 * t) / sr) + 2000 * r())
    ri[t] = Math.round(-15000 * Math.sin((2 * Math.PI * 165 * t) / sr) + 2000 * r())
  }
  const path = join(dir, 'stereo.wav')
  writeWav(path, sr, [li, ri])
  const asFloat = (a: Int16Array) => Float32Array.from(a, (v) => v / 32768)

  it('decodes the file as a stream and gives the reference peaks and the exact length', async () => {
    const fractions: number[] = []
    const p = await peaksOfFile(path, 1000, (f) => fractions.push(f))
    const ref = reference([asFloat(li), asFloat(ri)], sr, 1000)
    expect(p.samples).toBe(n)
    expect(p.sampleRate).toBe(sr)
    expect(Array.from(p.max)).toEqual(ref.max)
    expect(Array.from(p.min)).toEqual(ref.min)
    expect(fractions.at(-1)).toBe(1)
  })

  it('travels as int16 max/min pairs relative to the loudest value, with the exact duration', async () => {
    const p = await peaksOfFile(path, 100)
    const dto = PeaksDto.parse(peaksDto(p))
    expect(dto.duration).toBe(n / sr)
    expect(dto.buckets).toBe(Math.ceil((n * 100) / sr))
    const ref = reference([asFloat(li), asFloat(ri)], sr, 100)
    const scale = Math.max(...ref.max.map(Math.abs), ...ref.min.map(Math.abs))
    expect(dto.scale).toBe(scale)
    const q = decodeInt16(dto.data)
    expect(q.length).toBe(2 * dto.buckets)
    for (let i = 0; i < dto.buckets; i++) {
      expect(q[2 * i]).toBe(Math.round((ref.max[i]! / scale) * PEAK_LEVELS))
      expect(q[2 * i + 1]).toBe(Math.round((ref.min[i]! / scale) * PEAK_LEVELS))
    }
    expect(Math.max(...Array.from(q, Math.abs))).toBe(PEAK_LEVELS)
  })

  it('says what is wrong with a file that is not audio', async () => {
    const bad = join(dir, 'notes.wav')
    writeFileSync(bad, 'these are my notes, not audio')
    await expect(peaksOfFile(bad, 100)).rejects.toThrow(/notes\.wav/)
  })

  it('gives all-zero peaks with scale 0 for digital silence', async () => {
    const silent = join(dir, 'silent.wav')
    writeWav(silent, 8000, [new Int16Array(8000)])
    const dto = peaksDto(await peaksOfFile(silent, 100))
    expect(dto.scale).toBe(0)
    expect(dto.buckets).toBe(100)
    expect(decodeInt16(dto.data).every((v) => v === 0)).toBe(true)
  })
})

describe('int16 base64', () => {
  it('round-trips every int16 value, little endian', () => {
    const a = new Int16Array(65536)
    for (let i = 0; i < a.length; i++) a[i] = i - 32768
    expect(decodeInt16(encodeInt16(a))).toEqual(a)
    expect(encodeInt16(Int16Array.from([1, -2]))).toBe('AQD+/w==')
    expect(() => decodeInt16('AQD+')).toThrow(/not a multiple of 2/)
  })
})

describe('PeaksCache', () => {
  const hash = 'ab'.repeat(32)
  const dto: PeaksDto = {
    duration: 1.5,
    sampleRate: 8000,
    samples: 12000,
    bucketRate: 100,
    buckets: 150,
    scale: 0.5,
    data: encodeInt16(new Int16Array(300).fill(7)),
  }

  it('keeps peaks per content hash and resolution; unreadable or foreign entries are misses', () => {
    const cache = new PeaksCache(join(dir, 'cache'))
    expect(cache.get(hash, 100)).toBeNull()
    cache.put(hash, dto)
    expect(cache.get(hash, 100)).toEqual(dto)
    expect(cache.get(hash, 1000)).toBeNull()
    expect(cache.get('cd'.repeat(32), 100)).toBeNull()
    // a damaged file is a miss (recomputed and replaced), not an error
    writeFileSync(join(dir, 'cache', `${hash}.v1.r100.json`), '{"duration": 1')
    expect(cache.get(hash, 100)).toBeNull()
    cache.put(hash, dto)
    expect(cache.get(hash, 100)).toEqual(dto)
    // a hash that is not hex is never turned into a path
    cache.put('../../etc', dto)
    expect(cache.get('../../etc', 100)).toBeNull()
  })
})
