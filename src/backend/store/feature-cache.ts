/**
 * Store-backed feature cache: chroma matrices (`Chroma` of src/core/features) keyed by content hash +
 * feature parameters. `data`/`bass` are little-endian float32 BLOBs, the rates are columns, every other
 * field (`windowSize`, the `tuning` estimate, `samples`, `duration`, fields added later) is kept as JSON
 * in `meta`; the per-frame `levelDb` and `onset` go into `meta` as base64 of their little-endian
 * float32 bytes (`levelDbF32`, `onsetF32`), so they round-trip bit-exactly without a schema change.
 * `FeatureCache` is the interface the features room asked for (declared here until it lands there).
 */
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { Chroma } from '../../core/features'

export type { Chroma }

export interface FeatureCache {
  get(key: string): Chroma | undefined
  put(key: string, c: Chroma): void
}

/** Key order-independent JSON, for hashing parameter objects. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v)
}

/**
 * The cache key of a recording's features: `<contentHash>:<16 hex of SHA-256(stable JSON of params)>`.
 * Entries whose key starts with a content hash are dropped with their recording.
 */
export function featureKey(contentHash: string, params: Record<string, unknown>): string {
  return `${contentHash}:${createHash('sha256').update(stableJson(params)).digest('hex').slice(0, 16)}`
}

const HASH_PREFIX = /^([0-9a-f]{64}):/

function toBlob(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

function fromBlob(b: Buffer): Float32Array {
  // copy: SQLite's buffer may not be 4-byte aligned
  const out = new Float32Array(b.byteLength / 4)
  new Uint8Array(out.buffer).set(b)
  return out
}

interface CacheRow {
  pipeline: string
  frames: number
  sample_rate: number
  hop_size: number
  frame_rate: number
  tuning_cents: number
  data: Buffer
  bass: Buffer | null
  meta: string
}

/** `FeatureCache` over the store's `feature_cache` table. Use `store.featureCache`. */
export class StoreFeatureCache implements FeatureCache {
  readonly #get: Database.Statement
  readonly #put: Database.Statement
  readonly #del: Database.Statement
  readonly #delHash: Database.Statement
  readonly #stats: Database.Statement
  readonly #guard: <T>(what: string, fn: () => T) => T
  readonly #now: () => Date

  constructor(db: Database.Database, guard: <T>(what: string, fn: () => T) => T, now: () => Date) {
    this.#guard = guard
    this.#now = now
    this.#get = db.prepare(
      'SELECT pipeline, frames, sample_rate, hop_size, frame_rate, tuning_cents, data, bass, meta FROM feature_cache WHERE key = ?',
    )
    this.#put = db.prepare(`INSERT OR REPLACE INTO feature_cache
      (key, content_hash, pipeline, frames, sample_rate, hop_size, frame_rate, tuning_cents, data, bass, meta, bytes, created_at)
      VALUES (@key, @content_hash, @pipeline, @frames, @sample_rate, @hop_size, @frame_rate, @tuning_cents, @data, @bass, @meta, @bytes, @created_at)`)
    this.#del = db.prepare('DELETE FROM feature_cache WHERE key = ?')
    this.#delHash = db.prepare('DELETE FROM feature_cache WHERE content_hash = ?')
    this.#stats = db.prepare(
      'SELECT count(*) AS entries, coalesce(sum(bytes), 0) AS bytes FROM feature_cache',
    )
  }

  get(key: string): Chroma | undefined {
    return this.#guard('reading the feature cache', () => {
      const r = this.#get.get(key) as CacheRow | undefined
      if (!r) return undefined
      let meta: Record<string, unknown>
      try {
        meta = JSON.parse(r.meta) as Record<string, unknown>
      } catch {
        return undefined // unreadable: a miss, recomputed and replaced by the caller
      }
      // entries written before `windowSize` was kept are incomplete: a miss
      if (typeof meta.windowSize !== 'number') return undefined
      const { levelDbF32, onsetF32, levelDb: _l, onset: _o, ...fields } = meta
      const perFrame = (b64: unknown): Float32Array | null | undefined => {
        if (typeof b64 !== 'string') return undefined
        const bytes = Buffer.from(b64, 'base64')
        return bytes.byteLength === 4 * r.frames ? fromBlob(bytes) : null // null: damaged
      }
      const levelDb = perFrame(levelDbF32)
      const onset = perFrame(onsetF32)
      if (levelDb === null || onset === null) return undefined // a miss, recomputed
      const c = {
        ...fields,
        data: fromBlob(r.data),
        frames: r.frames,
        sampleRate: r.sample_rate,
        hopSize: r.hop_size,
        frameRate: r.frame_rate,
        tuningCents: r.tuning_cents,
        pipeline: r.pipeline,
      } as Chroma
      if (r.bass) c.bass = fromBlob(r.bass)
      if (levelDb) c.levelDb = levelDb
      if (onset) c.onset = onset
      return c
    })
  }

  put(key: string, c: Chroma): void {
    if (c.data.length !== c.frames * 12)
      throw new RangeError(`chroma data has ${c.data.length} values, expected frames×12 = ${c.frames * 12}`)
    if (c.bass && c.bass.length !== c.frames * 12)
      throw new RangeError(`bass chroma has ${c.bass.length} values, expected frames×12 = ${c.frames * 12}`)
    for (const [name, a] of [
      ['levelDb', c.levelDb],
      ['onset', c.onset],
    ] as const)
      if (a && a.length !== c.frames)
        throw new RangeError(`${name} has ${a.length} values, expected one per frame (${c.frames})`)
    const {
      data,
      bass,
      frames,
      sampleRate,
      hopSize,
      frameRate,
      tuningCents,
      pipeline,
      levelDb,
      onset,
      ...rest
    } = c
    const meta = JSON.stringify({
      ...rest,
      ...(levelDb ? { levelDbF32: toBlob(levelDb).toString('base64') } : {}),
      ...(onset ? { onsetF32: toBlob(onset).toString('base64') } : {}),
    })
    this.#guard('writing the feature cache', () => {
      this.#put.run({
        key,
        content_hash: HASH_PREFIX.exec(key)?.[1] ?? null,
        pipeline,
        frames,
        sample_rate: sampleRate,
        hop_size: hopSize,
        frame_rate: frameRate,
        tuning_cents: tuningCents,
        data: toBlob(data),
        bass: bass ? toBlob(bass) : null,
        meta,
        bytes:
          data.byteLength + (bass?.byteLength ?? 0) + (levelDb?.byteLength ?? 0) + (onset?.byteLength ?? 0),
        created_at: this.#now().toISOString(),
      })
    })
  }

  /** Remove one entry; true if it existed. */
  delete(key: string): boolean {
    return this.#guard('writing the feature cache', () => this.#del.run(key).changes > 0)
  }

  /** Remove every entry of one recording's content hash; returns how many. */
  evict(contentHash: string): number {
    return this.#guard('writing the feature cache', () => this.#delHash.run(contentHash).changes)
  }

  stats(): { entries: number; bytes: number } {
    return this.#guard(
      'reading the feature cache',
      () => this.#stats.get() as { entries: number; bytes: number },
    )
  }
}
