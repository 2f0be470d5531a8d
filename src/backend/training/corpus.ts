/**
 * A training corpus on disk: a manifest in the format of `shared/data/manifest.json`
 * (`{"items": [{id, audio, lab, chords, split, ...}]}`, paths relative to the manifest) turned into
 * `Recording`s (chroma + strong targets from the `.lab` + the typed sequence from the `.chords.txt`).
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseChordsTxt, parseLab } from '../../core/chords'
import { type Recording, sequenceClasses, strongTargets } from '../../core/model'

/** One manifest item, paths resolved. */
export interface CorpusItem {
  id: string
  /** Absolute audio path. */
  audio: string
  /** Absolute `.lab` path, or null. */
  lab: string | null
  /** Absolute `.chords.txt` path, or null. */
  chords: string | null
  split: 'train' | 'val' | 'test'
  /** First folder of the audio path in the manifest (`synth`, `pop909`), used to break results down. */
  group: string
}

/** A read manifest. */
export interface Corpus {
  /** The manifest path as given. */
  manifest: string
  items: CorpusItem[]
}

/** Bad manifest: the CLI reports it as a user error. */
export class CorpusError extends Error {
  override name = 'CorpusError'
  readonly userError = true
}

/**
 * Read and check a manifest.
 * @throws CorpusError with one line saying what is wrong and where
 */
export function readManifest(path: string): Corpus {
  if (!existsSync(path)) throw new CorpusError(`manifest not found: ${path}`)
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new CorpusError(`manifest ${path} is not valid JSON: ${(e as Error).message}`)
  }
  const items = (json as { items?: unknown })?.items
  if (!Array.isArray(items)) throw new CorpusError(`manifest ${path} must be {"items": [...]}`)
  const dir = dirname(resolve(path))
  const seen = new Set<string>()
  const out = items.map((raw, i): CorpusItem => {
    const it = raw as Record<string, unknown>
    const where = `manifest ${path}, item ${i + 1}`
    if (typeof it.id !== 'string' || it.id === '')
      throw new CorpusError(`${where}: "id" must be a non-empty string`)
    if (seen.has(it.id)) throw new CorpusError(`${where}: duplicate id "${it.id}"`)
    seen.add(it.id)
    if (typeof it.audio !== 'string') throw new CorpusError(`${where} (${it.id}): "audio" must be a path`)
    const split = it.split ?? 'train'
    if (split !== 'train' && split !== 'val' && split !== 'test')
      throw new CorpusError(
        `${where} (${it.id}): "split" must be train, val or test, got ${JSON.stringify(split)}`,
      )
    const opt = (k: string) =>
      typeof it[k] === 'string' && it[k] !== '' ? resolve(dir, it[k] as string) : null
    return {
      id: it.id,
      audio: resolve(dir, it.audio),
      lab: opt('lab'),
      chords: opt('chords'),
      split,
      group: it.audio.includes('/') ? it.audio.split('/')[0]! : '',
    }
  })
  return { manifest: path, items: out }
}

/** Chroma of an audio file: raw (uncompressed, unnormalised), T×12 row-major, with its frame rate. */
export type ChromaSource = (
  audioPath: string,
) => Promise<{ data: Float32Array; frames: number; frameRate: number }>

/** Which annotations become targets. */
export interface LoadOptions {
  /** Read `.lab` files (strong targets). Default true. With false only `.chords.txt` are read. */
  useLab: boolean
  /** Called after each item [items]. */
  onProgress?: (done: number, total: number, id: string) => void
  /** Polled between items; true stops loading with an error. */
  shouldStop?: () => boolean
}

/**
 * Load recordings: chroma from `chroma`, strong targets from `.lab`, typed sequence from `.chords.txt`.
 * @throws CorpusError naming the item whose annotation cannot be read
 */
export async function loadRecordings(
  items: readonly CorpusItem[],
  chroma: ChromaSource,
  options: Partial<LoadOptions> = {},
): Promise<Recording[]> {
  const useLab = options.useLab ?? true
  const out: Recording[] = []
  for (const it of items) {
    if (options.shouldStop?.()) throw new Error('cancelled')
    const c = await chroma(it.audio)
    let strong: Int8Array | null = null
    if (useLab && it.lab) {
      if (!existsSync(it.lab)) throw new CorpusError(`${it.id}: .lab not found: ${it.lab}`)
      const lab = parseLab(readFileSync(it.lab, 'utf8'))
      if (lab.errors.length > 0) throw new CorpusError(`${it.id}: ${it.lab}: ${lab.errors[0]!.message}`)
      strong = strongTargets(lab.segments, c.frames, c.frameRate)
    }
    let sequence: number[] | null = null
    if (it.chords && existsSync(it.chords)) {
      try {
        sequence = sequenceClasses(parseChordsTxt(readFileSync(it.chords, 'utf8')))
      } catch (e) {
        throw new CorpusError(`${it.id}: ${it.chords}: ${(e as Error).message}`)
      }
    }
    if (!strong && !sequence)
      throw new CorpusError(`${it.id}: neither a .lab nor a .chords.txt to learn from`)
    out.push({
      id: it.id,
      x: c.data,
      frames: c.frames,
      frameRate: c.frameRate,
      strong,
      sequence,
      split: it.split,
      group: it.group,
    })
    options.onProgress?.(out.length, items.length, it.id)
  }
  return out
}

function fileHash(path: string | null): string {
  if (!path || !existsSync(path)) return '-'
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/**
 * Fingerprint of a corpus: sha256 over every item's id, split and the sha256 of its audio, `.lab` and
 * `.chords.txt` contents (sorted by id), so equal data gives an equal fingerprint wherever it lies.
 */
export function corpusFingerprint(items: readonly CorpusItem[]): string {
  const h = createHash('sha256')
  for (const it of [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    h.update(`${it.id}\t${it.split}\t${fileHash(it.audio)}\t${fileHash(it.lab)}\t${fileHash(it.chords)}\n`)
  return `sha256:${h.digest('hex')}`
}
