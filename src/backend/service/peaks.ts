/**
 * Waveform peaks computed by the backend, so the renderer never decodes a recording (an hour of
 * 44.1 kHz stereo is > 600 MB of float32 in a page). The file is decoded with the streaming decoder
 * of src/backend/audio and folded on the fly into the maximum and minimum of the mono mix per bucket,
 * so memory is bounded by the bucket arrays (8 bytes per bucket), not by the file.
 *
 * Resolution: `bucketRate` buckets per second, chosen from the duration so that a short recording
 * keeps as much detail as the editor's deepest zoom can show (1000 px/s → 1000 buckets/s up to
 * 10 min) and a long one stays small (600 000 buckets at most down to the floor of 100 buckets/s,
 * i.e. 10 ms, reached at 100 min). On the wire a bucket is 2 × int16 (4 bytes, 5.3 in base64); in
 * the renderer 2 × float32 (8 bytes): at most 4.8 MB for any recording up to 100 min.
 *
 * Cache: one JSON file per recording content in `<dataDir>/peaks/` (like the drafts beside it),
 * keyed by content hash, code version and bucket rate, written atomically; reopening is a file read.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { encodeInt16, PEAK_LEVELS, PeaksDto } from '../../core/api'
import { mixToMono } from '../../core/features'
import { decodeAudioFile } from '../audio'

/** Options of the peak resolution. */
export interface PeaksOptions {
  /** Finest resolution, for short recordings [buckets/s] (Default value = 1000, the editor's max zoom in px/s). */
  maxBucketRate: number
  /** Coarsest resolution, for very long recordings [buckets/s] (Default value = 100). */
  minBucketRate: number
  /** Bucket budget the rate is lowered to stay within, down to `minBucketRate` [buckets] (Default value = 600 000). */
  maxBuckets: number
}

export const defaultPeaksOptions: Readonly<PeaksOptions> = {
  maxBucketRate: 1000,
  minBucketRate: 100,
  maxBuckets: 600_000,
}

/** Bump when the computation changes: cached peaks of older versions are recomputed. */
export const PEAKS_VERSION = 1

/**
 * Buckets per second for a recording of `duration` seconds (unknown: the coarsest).
 * @returns an integer in [minBucketRate, maxBucketRate]
 */
export function peakBucketRate(duration: number | null, options: Partial<PeaksOptions> = {}): number {
  const o = Object.assign({}, defaultPeaksOptions, options)
  if (duration === null || !(duration > 0)) return o.minBucketRate
  return Math.max(o.minBucketRate, Math.min(o.maxBucketRate, Math.floor(o.maxBuckets / duration)))
}

/** Peaks as computed, before quantisation. */
export interface Peaks {
  /** [Hz] */
  sampleRate: number
  /** [samples per channel] */
  samples: number
  /** [buckets/s] */
  bucketRate: number
  /** Maximum of the mono mix per bucket. */
  max: Float32Array
  /** Minimum of the mono mix per bucket. */
  min: Float32Array
}

/**
 * Folds PCM chunks into per-bucket max/min of the mono mix. Bucket i covers samples
 * [⌊i·sampleRate/bucketRate⌋, ⌊(i+1)·sampleRate/bucketRate⌋); the last one may be partial.
 */
export class PeakAccumulator {
  readonly bucketRate: number
  #sampleRate = 0
  #n = 0
  /** Index of the bucket being filled, and the sample index where the next one starts. */
  #bucket = 0
  #next = 0
  #hi = Number.NEGATIVE_INFINITY
  #lo = Number.POSITIVE_INFINITY
  #max = new Float32Array(1024)
  #min = new Float32Array(1024)

  constructor(bucketRate: number) {
    if (!Number.isInteger(bucketRate) || bucketRate <= 0)
      throw new RangeError(`bucketRate must be a positive integer, got ${bucketRate}`)
    this.bucketRate = bucketRate
  }

  /** Add decoded PCM (one array per channel, equal lengths). */
  push(channels: Float32Array[], sampleRate: number): void {
    if (this.#sampleRate === 0) {
      if (!(sampleRate >= this.bucketRate))
        throw new RangeError(`sample rate ${sampleRate} Hz is below the bucket rate ${this.bucketRate}/s`)
      this.#sampleRate = sampleRate
      this.#next = this.#boundary(1)
    } else if (sampleRate !== this.#sampleRate)
      throw new RangeError(`sample rate changed from ${this.#sampleRate} to ${sampleRate} Hz`)
    const mono = mixToMono(channels)
    let hi = this.#hi
    let lo = this.#lo
    let n = this.#n
    for (let i = 0; i < mono.length; i++, n++) {
      if (n === this.#next) {
        this.#store(hi, lo)
        hi = Number.NEGATIVE_INFINITY
        lo = Number.POSITIVE_INFINITY
      }
      const v = mono[i]!
      if (v > hi) hi = v
      if (v < lo) lo = v
    }
    this.#n = n
    this.#hi = hi
    this.#lo = lo
  }

  /** The peaks of everything pushed (closes the last, possibly partial, bucket). */
  finish(): Peaks {
    if (this.#n === 0) throw new RangeError('no samples were pushed')
    if (this.#hi !== Number.NEGATIVE_INFINITY) this.#store(this.#hi, this.#lo)
    this.#hi = Number.NEGATIVE_INFINITY
    return {
      sampleRate: this.#sampleRate,
      samples: this.#n,
      bucketRate: this.bucketRate,
      max: this.#max.slice(0, this.#bucket),
      min: this.#min.slice(0, this.#bucket),
    }
  }

  /** First sample of bucket `i` (exact in float64: i·sampleRate < 2^53). */
  #boundary(i: number): number {
    return Math.floor((i * this.#sampleRate) / this.bucketRate)
  }

  #store(hi: number, lo: number): void {
    if (this.#bucket === this.#max.length) {
      const grow = (a: Float32Array) => {
        const b = new Float32Array(a.length * 2)
        b.set(a)
        return b
      }
      this.#max = grow(this.#max)
      this.#min = grow(this.#min)
    }
    this.#max[this.#bucket] = hi
    this.#min[this.#bucket] = lo
    this.#bucket++
    this.#next = this.#boundary(this.#bucket + 1)
  }
}

/**
 * Peaks of an audio file, decoded as a stream.
 * @param bucketRate resolution [buckets/s]
 * @param onProgress fraction of the file read, 0 … 1
 * @throws AudioDecodeError for unreadable, non-audio, truncated, unsupported or empty files
 */
export async function peaksOfFile(
  path: string,
  bucketRate: number,
  onProgress: ((fraction: number) => void) | null = null,
): Promise<Peaks> {
  const acc = new PeakAccumulator(bucketRate)
  await decodeAudioFile(path, (ch, sr) => acc.push(ch, sr), { onProgress })
  return acc.finish()
}

/** Peaks on the wire: max/min interleaved as int16 relative to the largest |value|. */
export function peaksDto(p: Peaks): PeaksDto {
  let scale = 0
  for (let i = 0; i < p.max.length; i++) scale = Math.max(scale, Math.abs(p.max[i]!), Math.abs(p.min[i]!))
  const q = new Int16Array(p.max.length * 2)
  const k = scale > 0 ? PEAK_LEVELS / scale : 0
  for (let i = 0; i < p.max.length; i++) {
    q[2 * i] = Math.round(p.max[i]! * k)
    q[2 * i + 1] = Math.round(p.min[i]! * k)
  }
  return {
    duration: p.samples / p.sampleRate,
    sampleRate: p.sampleRate,
    samples: p.samples,
    bucketRate: p.bucketRate,
    buckets: p.max.length,
    scale,
    data: encodeInt16(q),
  }
}

/** Peaks files of the library (`<dataDir>/peaks/`), one per content hash and resolution. */
export class PeaksCache {
  readonly dir: string

  constructor(dir: string) {
    this.dir = dir
  }

  #file(contentHash: string, bucketRate: number): string | null {
    // the store's content hashes are hex; anything else is not cached
    if (!/^[0-9a-f]{16,128}$/.test(contentHash)) return null
    return join(this.dir, `${contentHash}.v${PEAKS_VERSION}.r${bucketRate}.json`)
  }

  /** The cached peaks, or null (also for an unreadable or invalid file, which the next put replaces). */
  get(contentHash: string, bucketRate: number): PeaksDto | null {
    const file = this.#file(contentHash, bucketRate)
    if (!file) return null
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      return null
    }
    try {
      const r = PeaksDto.safeParse(JSON.parse(text))
      return r.success && r.data.bucketRate === bucketRate ? r.data : null
    } catch {
      return null
    }
  }

  /** Write atomically (temporary file, fsync, rename). */
  put(contentHash: string, dto: PeaksDto): void {
    const file = this.#file(contentHash, dto.bucketRate)
    if (!file) return
    mkdirSync(this.dir, { recursive: true })
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    try {
      const fd = openSync(tmp, 'w')
      try {
        writeSync(fd, JSON.stringify(dto))
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(tmp, file)
    } finally {
      rmSync(tmp, { force: true })
    }
  }
}
