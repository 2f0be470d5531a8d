/**
 * Export from the library: one recording's current annotation as `<name>.lab` (labels as written)
 * and `<name>.chords.txt`, or the whole corpus as a folder with the audio, the annotations and a
 * `manifest.json` in the format of shared/data, so that importing it again gives the same library.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, extname, join, resolve } from 'node:path'
import { formatChordsTxt, formatLab, labToSequence } from '../../core/chords'
import { StoreError } from './errors'
import type { Store } from './store'
import type { Recording, RevisionWithSegments } from './types'

export interface ExportOptions {
  /** replace files that exist already (default false: refuse) */
  overwrite?: boolean
}

export interface ExportedRecording {
  id: number
  name: string
  revisionId: number
  lab: string
  chords: string
}

export interface CorpusExport {
  dir: string
  manifest: string
  items: number
  /** recordings not exported (no annotation yet), with the reason */
  skipped: { name: string; reason: string }[]
}

/** The manifest entry of shared/data (same fields, same order). */
export interface ManifestEntry {
  id: string
  audio: string
  lab: string
  chords: string
  source: string
  license: string
  duration_s: number | null
  sample_rate: number | null
  split: string | null
}

function writeNew(file: string, text: string, overwrite: boolean): void {
  if (!overwrite && existsSync(file))
    throw new StoreError('exists', `${file} exists already: choose another --out folder or pass --force`)
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.partial-${process.pid}`
  writeFileSync(tmp, text)
  renameSync(tmp, file)
}

function wrapFs<T>(file: string, fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof StoreError) throw e
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOSPC')
      throw new StoreError(
        'full',
        `the disk is full while writing ${file}: free some space and export again`,
        e,
      )
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new StoreError('readonly', `cannot write ${file} (${code}): choose a writable --out folder`, e)
    throw new StoreError('io', `cannot write ${file}: ${(e as Error).message}`, e)
  }
}

/** The typed sequence to export: the latest one saved, else the annotation's label sequence. */
function chordsText(store: Store, rec: Recording, rev: RevisionWithSegments): string {
  const seq = store.sequences.latest(rec.id)
  return seq ? `${seq.text.trimEnd()}\n` : formatChordsTxt(labToSequence(rev.segments))
}

function current(store: Store, rec: Recording): RevisionWithSegments {
  const rev = store.annotations.getCurrent(rec.id)
  if (!rev)
    throw new StoreError(
      'not-found',
      `recording "${rec.name}" has no annotation yet: align or import one first`,
    )
  return rev
}

/** Write `<out>/<name>.lab` and `<out>/<name>.chords.txt` for one recording (id, name or hash). */
export function exportRecording(
  store: Store,
  ref: string | number,
  out: string,
  o: ExportOptions = {},
): ExportedRecording {
  const rec = store.recordings.resolve(ref)
  const rev = current(store, rec)
  const dir = resolve(out)
  const lab = join(dir, `${rec.name}.lab`)
  const chords = join(dir, `${rec.name}.chords.txt`)
  const text = chordsText(store, rec, rev)
  wrapFs(lab, () => writeNew(lab, formatLab(rev.segments), o.overwrite ?? false))
  wrapFs(chords, () => writeNew(chords, text, o.overwrite ?? false))
  return { id: rec.id, name: rec.name, revisionId: rev.id, lab, chords }
}

/**
 * Export every annotated recording to `out`: `<collection>/<name>.<audio ext>`, `.lab`,
 * `.chords.txt`, and `manifest.json` (written last, so an interrupted export has none).
 */
export function exportCorpus(store: Store, out: string, o: ExportOptions = {}): CorpusExport {
  const dir = resolve(out)
  const overwrite = o.overwrite ?? false
  const manifestFile = join(dir, 'manifest.json')
  if (!overwrite && existsSync(manifestFile))
    throw new StoreError(
      'exists',
      `${manifestFile} exists already: choose an empty --out folder or pass --force`,
    )
  const entries: ManifestEntry[] = []
  const skipped: CorpusExport['skipped'] = []
  for (const summary of store.recordings.list()) {
    if (!summary.current) {
      skipped.push({ name: summary.name, reason: 'no annotation yet' })
      continue
    }
    const rec = store.recordings.get(summary.id)
    const rev = current(store, rec)
    const sub = rec.collection ? `${rec.collection}/` : ''
    const ext = extname(rec.path).toLowerCase() || '.audio'
    const entry: ManifestEntry = {
      id: rec.name,
      audio: `${sub}${rec.name}${ext}`,
      lab: `${sub}${rec.name}.lab`,
      chords: `${sub}${rec.name}.chords.txt`,
      source: rec.source,
      license: rec.license,
      duration_s: rec.durationS,
      sample_rate: rec.sampleRate,
      split: rec.split,
    }
    const audioDest = join(dir, entry.audio)
    let size: number
    try {
      size = statSync(rec.path).size
    } catch {
      throw new StoreError(
        'not-found',
        `the audio of "${rec.name}" is missing at ${rec.path}: import the folder it moved to (files are found again by content), then export again`,
      )
    }
    if (rec.sizeBytes !== null && size !== rec.sizeBytes)
      throw new StoreError(
        'invalid',
        `the audio of "${rec.name}" at ${rec.path} changed since it was imported (${size} bytes, was ${rec.sizeBytes}): import it again`,
      )
    wrapFs(audioDest, () => {
      if (!overwrite && existsSync(audioDest))
        throw new StoreError(
          'exists',
          `${audioDest} exists already: choose an empty --out folder or pass --force`,
        )
      mkdirSync(dirname(audioDest), { recursive: true })
      copyFileSync(rec.path, audioDest)
    })
    const labFile = join(dir, entry.lab)
    const chordsFile = join(dir, entry.chords)
    wrapFs(labFile, () => writeNew(labFile, formatLab(rev.segments), overwrite))
    wrapFs(chordsFile, () => writeNew(chordsFile, chordsText(store, rec, rev), overwrite))
    entries.push(entry)
  }
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  wrapFs(manifestFile, () =>
    writeNew(manifestFile, `${JSON.stringify({ items: entries }, null, 1)}\n`, overwrite),
  )
  return { dir, manifest: manifestFile, items: entries.length, skipped }
}
