/**
 * Feature cache: chroma keyed by the audio file's content hash and every parameter that changes the
 * numbers. `DirectoryFeatureCache` stores one binary file per key (the CLI's cache); the store room
 * provides an SQLite implementation of the same interface.
 */
import { createHash } from 'node:crypto'
import { createReadStream, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Chroma, ChromaOptions, ResampleOptions, TuningEstimate } from '../../core/features'
import { defaultResampleOptions, resolveChromaOptions } from '../../core/features'

/** Where computed chroma is kept between runs. */
export interface FeatureCache {
  get(key: string): Chroma | undefined
  put(key: string, c: Chroma): void
}

/** Bump when an algorithm changes the numbers or `Chroma` gains a field: old cache entries then miss.
 *  2: `levelDb`, `samples`, `duration`; 3: `onset`. */
export const FEATURES_VERSION = 3

/** SHA-256 of a file's bytes (hex), streamed. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(c as Buffer)
  return h.digest('hex')
}

/**
 * Cache key of a file's chroma: `<contentHash>:<pipeline>-<16 hex>`, the hex part a SHA-256 over the
 * features version and the resolved options (sorted keys). Keys start with the content hash, so a
 * store can drop a recording's entries with it (the store's `featureKey` uses the same layout).
 * @param contentHash hex SHA-256 of the audio file (`hashFile`)
 * @param options chroma options (resolved over the pipeline defaults here)
 * @param resampleOptions resampler options (they change the numbers when the file's rate differs)
 * @example featureCacheKey(await hashFile(p), { pipeline: 'fmp' }) // '9f86…08:fmp-3f2a…'
 */
export function featureCacheKey(
  contentHash: string,
  options: Partial<ChromaOptions> = {},
  resampleOptions: Partial<ResampleOptions> = {},
): string {
  const o = resolveChromaOptions(options)
  const r = Object.assign({}, defaultResampleOptions, resampleOptions)
  const canon = (v: object) =>
    JSON.stringify(Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
  const h = createHash('sha256')
    .update(`chordwarp-features-v${FEATURES_VERSION}\n${canon(o)}\n${canon(r)}`)
    .digest('hex')
  return `${contentHash}:${o.pipeline}-${h.slice(0, 16)}`
}

const MAGIC = 0x48435743 // 'CWCH' little-endian
const FORMAT = 2

interface Header {
  frames: number
  sampleRate: number
  hopSize: number
  windowSize: number
  frameRate: number
  tuningCents: number
  tuning?: TuningEstimate
  pipeline: Chroma['pipeline']
  bass: boolean
  /** a T-float block `levelDb` follows the chroma (and bass) */
  level: boolean
  /** a T-float block `onset` follows */
  onset?: boolean
  samples?: number
  duration?: number
}

/**
 * Chroma → bytes: 'CWCH', format (2), JSON header length, JSON, padding to 4, data (T×12 f32 LE),
 * bass (T×12, if any), levelDb (T, if any), onset (T, if any). Format 1 (no level) is no longer
 * read: a miss.
 */
export function serializeChroma(c: Chroma): Uint8Array {
  const header: Header = {
    frames: c.frames,
    sampleRate: c.sampleRate,
    hopSize: c.hopSize,
    windowSize: c.windowSize,
    frameRate: c.frameRate,
    tuningCents: c.tuningCents,
    pipeline: c.pipeline,
    bass: c.bass !== undefined,
    level: c.levelDb !== undefined,
    onset: c.onset !== undefined,
  }
  if (c.tuning) header.tuning = c.tuning
  if (c.samples !== undefined) header.samples = c.samples
  if (c.duration !== undefined) header.duration = c.duration
  for (const [name, a] of [
    ['levelDb', c.levelDb],
    ['onset', c.onset],
  ] as const)
    if (a && a.length !== c.frames)
      throw new RangeError(`${name} has ${a.length} values, expected one per frame (${c.frames})`)
  const json = new TextEncoder().encode(JSON.stringify(header))
  const pad = (4 - ((12 + json.length) % 4)) % 4
  const start = 12 + json.length + pad
  const n = c.frames * 12
  const T = c.frames
  const perFrame = [c.levelDb, c.onset].filter((a): a is Float32Array => a !== undefined)
  const out = new Uint8Array(start + 4 * (n * (c.bass ? 2 : 1) + T * perFrame.length))
  const dv = new DataView(out.buffer)
  dv.setUint32(0, MAGIC, true)
  dv.setUint32(4, FORMAT, true)
  dv.setUint32(8, json.length, true)
  out.set(json, 12)
  for (let i = 0; i < n; i++) dv.setFloat32(start + 4 * i, c.data[i]!, true)
  if (c.bass) for (let i = 0; i < n; i++) dv.setFloat32(start + 4 * (n + i), c.bass[i]!, true)
  perFrame.forEach((a, j) => {
    const o = start + 4 * (n * (c.bass ? 2 : 1) + j * T)
    for (let i = 0; i < T; i++) dv.setFloat32(o + 4 * i, a[i]!, true)
  })
  return out
}

/** Bytes → Chroma; undefined for anything malformed. */
export function deserializeChroma(b: Uint8Array): Chroma | undefined {
  if (b.length < 12) return undefined
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  if (dv.getUint32(0, true) !== MAGIC || dv.getUint32(4, true) !== FORMAT) return undefined
  const jl = dv.getUint32(8, true)
  if (12 + jl > b.length) return undefined
  let h: Header
  try {
    h = JSON.parse(new TextDecoder().decode(b.subarray(12, 12 + jl))) as Header
  } catch {
    return undefined
  }
  const start = 12 + jl + ((4 - ((12 + jl) % 4)) % 4)
  const n = h.frames * 12
  const T = h.frames
  const blocks = (h.level ? 1 : 0) + (h.onset ? 1 : 0)
  if (!Number.isInteger(n) || b.length !== start + 4 * (n * (h.bass ? 2 : 1) + T * blocks)) return undefined
  const read = (o: number, len = n) => {
    const a = new Float32Array(len)
    for (let i = 0; i < len; i++) a[i] = dv.getFloat32(o + 4 * i, true)
    return a
  }
  const c: Chroma = {
    data: read(start),
    frames: h.frames,
    sampleRate: h.sampleRate,
    hopSize: h.hopSize,
    windowSize: h.windowSize,
    frameRate: h.frameRate,
    tuningCents: h.tuningCents,
    pipeline: h.pipeline,
  }
  if (h.bass) c.bass = read(start + 4 * n)
  if (h.tuning) c.tuning = h.tuning
  const after = start + 4 * n * (h.bass ? 2 : 1)
  if (h.level) c.levelDb = read(after, T)
  if (h.onset) c.onset = read(after + (h.level ? 4 * T : 0), T)
  if (typeof h.samples === 'number') c.samples = h.samples
  if (typeof h.duration === 'number') c.duration = h.duration
  return c
}

/** One binary file per key in a folder; writes are atomic (temp file + rename). */
export class DirectoryFeatureCache implements FeatureCache {
  constructor(readonly dir: string) {}

  get(key: string): Chroma | undefined {
    const file = this.file(key)
    let b: Buffer
    try {
      b = readFileSync(file)
    } catch {
      return undefined
    }
    const c = deserializeChroma(new Uint8Array(b.buffer, b.byteOffset, b.byteLength))
    if (!c) rmSync(file, { force: true }) // damaged entry: recompute next time
    return c
  }

  put(key: string, c: Chroma): void {
    mkdirSync(this.dir, { recursive: true })
    const tmp = `${this.file(key)}.${process.pid}.tmp`
    writeFileSync(tmp, serializeChroma(c))
    renameSync(tmp, this.file(key))
  }

  /** `<hash>:<rest>` → `<dir>/<hash>.<rest>.chroma` (no ':' in file names on Windows) */
  private file(key: string): string {
    if (!/^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)?$/.test(key)) throw new Error(`bad feature cache key "${key}"`)
    return join(this.dir, `${key.replace(':', '.')}.chroma`)
  }
}
