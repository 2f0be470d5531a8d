/**
 * Import into the library: a folder (audio + same-stem `.lab` / `.chords.txt` / `.jams`), a corpus
 * manifest (`manifest.json` as in shared/data), a JAMS file, or single files. Everything is read,
 * hashed and validated first; only then is anything written. A garbage line in any file refuses
 * the whole import (or, with `skipInvalid`, skips that item and says so) — never a silent half-import.
 * Re-importing is idempotent: a recording is found by content hash (a moved file is relocated), and
 * an annotation or sequence equal to one already stored is not saved again.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path'
import { z } from 'zod'
import { parseLab, parseSequence } from '../../core/chords'
import { AUDIO_EXTENSIONS, type AudioHeader, probeAudioHeader } from './audio-header'
import { StoreError } from './errors'
import { hashFile } from './hash'
import { parseJams } from './jams'
import type { Store } from './store'
import type { Recording, StoredSegment } from './types'

export interface ImportOptions {
  /** author of the imported revisions and sequences (default 'import') */
  author?: string
  /** import the valid items and list the invalid ones, instead of refusing the whole import (default false) */
  skipInvalid?: boolean
  /** audio file for a single `.jams` / `.lab` / `.chords.txt` that has no same-stem audio beside it */
  audio?: string
  /** tags given to every recording this import adds (default none) */
  tags?: string[]
  /** items per write transaction [items] (default 200) */
  batchSize?: number
}

export const defaultImportOptions = {
  author: 'import',
  skipInvalid: false,
  audio: undefined as string | undefined,
  tags: [] as string[],
  batchSize: 200,
}

export type ImportAction = 'added' | 'relocated' | 'updated' | 'unchanged'

export interface ImportItemReport {
  id: number
  name: string
  action: ImportAction
  /** revisions saved by this import */
  revisions: number
  /** a new typed sequence was saved */
  sequence: boolean
  path: string
}

export interface ImportReport {
  input: string
  mode: 'manifest' | 'folder' | 'jams' | 'file'
  items: ImportItemReport[]
  /** items not imported, with the reason (only with `skipInvalid`, or duplicates) */
  skipped: { path: string; reason: string }[]
  warnings: string[]
  counts: Record<ImportAction, number> & { revisions: number; sequences: number; skipped: number }
  ms: number
}

/** One item to import, read and checked before anything is written. */
interface Plan {
  audio: string
  name: string
  collection: string
  meta: { source?: string; license?: string; split?: string | null; durationS?: number; sampleRate?: number }
  annotations: { file: string; author?: string; segments: StoredSegment[]; note: string }[]
  chordsText?: string
  problems: string[]
  warnings: string[]
  hash?: string
  size?: number
  header?: AudioHeader | null
}

const ManifestItem = z.object({
  id: z.string().min(1),
  audio: z.string().min(1),
  lab: z.string().min(1).optional(),
  chords: z.string().min(1).optional(),
  source: z.string().optional(),
  license: z.string().optional(),
  duration_s: z.number().positive().optional(),
  sample_rate: z.number().int().positive().optional(),
  split: z.string().nullable().optional(),
})
const Manifest = z.object({ items: z.array(ManifestItem) })

const isAudio = (f: string) => AUDIO_EXTENSIONS.includes(extname(f).toLowerCase())

/** `x.chords.txt` → `x`, `x.lab` → `x`, `x.wav` → `x` */
function stemOf(file: string): string {
  const b = basename(file)
  if (b.toLowerCase().endsWith('.chords.txt')) return b.slice(0, -'.chords.txt'.length)
  return b.slice(0, b.length - extname(b).length)
}

function kindOf(file: string): 'lab' | 'chords' | 'jams' | 'audio' | null {
  const b = basename(file).toLowerCase()
  if (b.endsWith('.chords.txt')) return 'chords'
  if (b.endsWith('.lab')) return 'lab'
  if (b.endsWith('.jams')) return 'jams'
  if (isAudio(b)) return 'audio'
  return null
}

function readText(file: string, plan: Plan, shown: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    plan.problems.push(
      `${shown}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    )
    return null
  }
}

function addLab(plan: Plan, file: string, shown: string): void {
  const text = readText(file, plan, shown)
  if (text === null) return
  const r = parseLab(text)
  for (const e of r.errors) plan.problems.push(`${shown} ${e.message}`)
  for (const w of r.warnings) plan.warnings.push(`${shown}: ${w}`)
  if (r.errors.length === 0) {
    if (r.segments.length === 0) plan.warnings.push(`${shown}: no segments, not imported`)
    else plan.annotations.push({ file, segments: r.segments, note: `imported from ${basename(file)}` })
  }
}

function addChords(plan: Plan, file: string, shown: string): void {
  const text = readText(file, plan, shown)
  if (text === null) return
  const r = parseSequence(text)
  for (const e of r.errors) plan.problems.push(`${shown}: ${e.message}`)
  const typed = text.replace(/^\uFEFF/, '').trimEnd()
  if (r.errors.length === 0) {
    if (!typed) plan.warnings.push(`${shown}: empty, not imported`)
    else plan.chordsText = typed
  }
}

function addJams(plan: Plan, file: string, shown: string): void {
  const text = readText(file, plan, shown)
  if (text === null) return
  const r = parseJams(text)
  for (const p of r.problems) plan.problems.push(`${shown} ${p}`)
  for (const i of r.ignored) plan.warnings.push(`${shown}: ${i} is not a chord annotation, ignored`)
  if (r.problems.length > 0) return
  if (r.annotations.length === 0)
    plan.warnings.push(`${shown}: no chord annotation (namespace chord or chord_harte)`)
  if (r.durationS !== null && plan.meta.durationS === undefined) plan.meta.durationS = r.durationS
  for (const a of r.annotations)
    plan.annotations.push({
      file,
      author: a.author,
      segments: a.segments,
      note: `imported from ${basename(file)} (annotation ${a.index + 1}, ${a.namespace})`,
    })
}

function newPlan(audio: string, name: string, collection: string): Plan {
  return { audio, name, collection, meta: {}, annotations: [], problems: [], warnings: [] }
}

/** All files under `dir` (hidden folders skipped), depth-first, sorted. */
function walk(dir: string, depth = 0): string[] {
  if (depth > 16) return []
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p, depth + 1))
    else if (e.isFile()) out.push(p)
  }
  return out
}

function planFolder(root: string, warnings: string[]): Plan[] {
  const groups = new Map<string, { audio: string[]; lab?: string; chords?: string; jams?: string }>()
  for (const f of walk(root)) {
    const k = kindOf(f)
    if (!k) continue
    const key = join(dirname(f), stemOf(f))
    const g = groups.get(key) ?? { audio: [] }
    if (k === 'audio') g.audio.push(f)
    else g[k] = f
    groups.set(key, g)
  }
  const plans: Plan[] = []
  for (const [key, g] of groups) {
    if (g.audio.length === 0) {
      const f = g.lab ?? g.chords ?? g.jams!
      warnings.push(
        `${relative(root, f)}: no audio file with the same name beside it (${AUDIO_EXTENSIONS.join(' ')}), skipped`,
      )
      continue
    }
    const rel = relative(root, dirname(key))
    for (const a of g.audio) {
      const p = newPlan(a, stemOf(a), rel === '' ? '' : rel.split(sep).join('/'))
      if (g.lab) addLab(p, g.lab, relative(root, g.lab))
      if (g.jams) addJams(p, g.jams, relative(root, g.jams))
      if (g.chords) addChords(p, g.chords, relative(root, g.chords))
      plans.push(p)
    }
  }
  return plans
}

function planManifest(file: string): Plan[] {
  const root = dirname(file)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new StoreError(
      'invalid',
      `${file} is not valid JSON (${(e as Error).message}): fix it and import again`,
    )
  }
  const m = Manifest.safeParse(raw)
  if (!m.success) {
    const i = m.error.issues[0]!
    throw new StoreError(
      'invalid',
      `${basename(file)}: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message} (expected {"items": [{"id", "audio", "lab", "chords", ...}]}): nothing imported`,
    )
  }
  const seen = new Set<string>()
  return m.data.items.map((it) => {
    const audio = resolve(root, it.audio)
    const dir = dirname(it.audio).split(sep).join('/')
    const p = newPlan(audio, it.id, dir === '.' ? '' : dir)
    if (seen.has(it.id)) p.problems.push(`${basename(file)}: id "${it.id}" occurs twice`)
    seen.add(it.id)
    if (it.source !== undefined) p.meta.source = it.source
    if (it.license !== undefined) p.meta.license = it.license
    if (it.split !== undefined) p.meta.split = it.split
    if (it.duration_s !== undefined) p.meta.durationS = it.duration_s
    if (it.sample_rate !== undefined) p.meta.sampleRate = it.sample_rate
    if (it.lab) addLab(p, resolve(root, it.lab), it.lab)
    if (it.chords) addChords(p, resolve(root, it.chords), it.chords)
    return p
  })
}

/** The audio beside an annotation file: same folder, same stem. */
function siblingAudio(file: string): string | undefined {
  const stem = stemOf(file)
  const dir = dirname(file)
  return readdirSync(dir)
    .filter((f) => isAudio(f) && stemOf(f) === stem)
    .sort()
    .map((f) => join(dir, f))[0]
}

function planSingle(file: string, o: typeof defaultImportOptions): Plan[] {
  const k = kindOf(file)
  if (!k)
    throw new StoreError(
      'invalid',
      `${file}: not something to import (a folder, manifest.json, .jams, .lab, .chords.txt or audio ${AUDIO_EXTENSIONS.join(' ')})`,
    )
  const audio = k === 'audio' ? file : o.audio ? resolve(o.audio) : siblingAudio(file)
  if (!audio)
    throw new StoreError(
      'invalid',
      `${basename(file)} has no audio file with the same name beside it: pass --audio FILE`,
    )
  const p = newPlan(audio, stemOf(audio), '')
  const dir = dirname(file)
  const stem = stemOf(file)
  const beside = (ext: string) => {
    const f = join(dir, `${stem}${ext}`)
    return existsSync(f) ? f : undefined
  }
  const lab = k === 'lab' ? file : k === 'audio' ? beside('.lab') : undefined
  const jams = k === 'jams' ? file : k === 'audio' ? beside('.jams') : undefined
  const chords = k === 'chords' ? file : k !== 'jams' ? beside('.chords.txt') : undefined
  if (lab) addLab(p, lab, basename(lab))
  if (jams) addJams(p, jams, basename(jams))
  if (chords) addChords(p, chords, basename(chords))
  return [p]
}

function sameSegments(a: readonly StoredSegment[], b: readonly StoredSegment[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x.label !== y.label || Math.abs(x.start - y.start) > 1e-9 || Math.abs(x.end - y.end) > 1e-9)
      return false
    if ((x.confidence ?? null) !== (y.confidence ?? null)) return false
  }
  return true
}

/** Hash and probe every plan's audio (two files at a time). */
async function readAudio(plans: Plan[]): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < plans.length) {
      const p = plans[next++]!
      try {
        const st = statSync(p.audio)
        if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
        p.size = st.size
        p.hash = await hashFile(p.audio)
      } catch (e) {
        p.problems.push(
          `${p.audio}: audio cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        )
        continue
      }
      try {
        p.header = probeAudioHeader(p.audio)
      } catch {
        p.header = null
      }
      if (!p.header)
        p.warnings.push(`${basename(p.audio)}: unknown audio header, duration and sample rate left empty`)
      else if (p.meta.durationS !== undefined && p.header.durationS !== null) {
        const d = Math.abs(p.header.durationS - p.meta.durationS)
        if (d > 0.1)
          p.warnings.push(
            `${basename(p.audio)}: header says ${p.header.durationS.toFixed(3)} s, the manifest ${p.meta.durationS} s (kept the manifest's)`,
          )
      }
    }
  }
  await Promise.all([worker(), worker()])
}

/** Import `input` (folder, manifest.json, .jams, .lab, .chords.txt or audio file) into `store`. */
export async function importPath(
  store: Store,
  input: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
  const o: typeof defaultImportOptions = Object.assign({}, defaultImportOptions, given)
  const t0 = performance.now()
  const path = resolve(input)
  let st: ReturnType<typeof statSync>
  try {
    st = statSync(path)
  } catch {
    throw new StoreError(
      'not-found',
      `${input} does not exist: give a folder, manifest.json, .jams or audio file`,
    )
  }
  const warnings: string[] = []
  let mode: ImportReport['mode']
  let plans: Plan[]
  if (st.isDirectory()) {
    const manifest = join(path, 'manifest.json')
    if (existsSync(manifest)) {
      mode = 'manifest'
      plans = planManifest(manifest)
    } else {
      mode = 'folder'
      plans = planFolder(path, warnings)
    }
  } else if (extname(path).toLowerCase() === '.json') {
    mode = 'manifest'
    plans = planManifest(path)
  } else {
    mode = kindOf(path) === 'jams' ? 'jams' : 'file'
    plans = planSingle(path, o)
  }
  await readAudio(plans)

  // the same audio twice in one import: keep the first
  const byHash = new Map<string, Plan>()
  const skipped: ImportReport['skipped'] = []
  for (const p of plans) {
    if (!p.hash) continue
    const first = byHash.get(p.hash)
    if (first) {
      skipped.push({ path: p.audio, reason: `same audio as ${first.audio}` })
      p.hash = undefined
    } else byHash.set(p.hash, p)
  }
  const bad = plans.filter((p) => p.problems.length > 0)
  if (bad.length > 0 && !o.skipInvalid) {
    const all = bad.flatMap((p) => p.problems)
    const more = all.length > 1 ? ` (and ${all.length - 1} more problem${all.length > 2 ? 's' : ''})` : ''
    const valid = plans.length - bad.length
    throw new StoreError(
      'invalid',
      `${all[0]}${more}: nothing imported; fix the file${valid > 0 ? `, or pass --skip-invalid to import the ${valid} valid item${valid > 1 ? 's' : ''}` : ''}`,
    )
  }
  for (const p of bad) skipped.push({ path: p.audio, reason: p.problems.join('; ') })
  const todo = plans.filter((p) => p.problems.length === 0 && p.hash)
  for (const p of plans) warnings.push(...p.warnings)

  const items: ImportItemReport[] = []
  const usedNames = new Set<string>()
  const uniqueName = (want: string, hash: string): string => {
    let name = want
    for (let k = 2; ; k++) {
      const taken = store.recordings.findByName(name)
      if ((!taken || taken.hash === hash) && !usedNames.has(name)) break
      name = `${want}-${k}`
    }
    if (name !== want) warnings.push(`the name "${want}" is taken: imported as "${name}"`)
    usedNames.add(name)
    return name
  }
  const writeOne = (p: Plan): ImportItemReport => {
    const hash = p.hash!
    let rec: Recording | undefined = store.recordings.findByHash(hash)
    let action: ImportAction = 'unchanged'
    const durationS = p.meta.durationS ?? p.header?.durationS ?? null
    const sampleRate = p.meta.sampleRate ?? p.header?.sampleRate ?? null
    if (!rec) {
      rec = store.recordings.add({
        path: p.audio,
        hash,
        name: uniqueName(p.name, hash),
        sizeBytes: p.size ?? null,
        durationS,
        sampleRate,
        format: p.header?.format ?? null,
        collection: p.collection,
        source: p.meta.source ?? '',
        license: p.meta.license ?? '',
        split: p.meta.split ?? null,
        tags: o.tags,
      })
      action = 'added'
    } else {
      if (rec.path !== p.audio) {
        if (!existsSync(rec.path)) {
          rec = store.recordings.relocate(rec.id, p.audio, p.size)
          action = 'relocated'
        } else
          warnings.push(`${p.audio} is the same audio as "${rec.name}" at ${rec.path}: kept that recording`)
      }
      const patch: Parameters<Store['recordings']['update']>[1] = {}
      if (p.meta.source !== undefined && p.meta.source !== rec.source) patch.source = p.meta.source
      if (p.meta.license !== undefined && p.meta.license !== rec.license) patch.license = p.meta.license
      if (p.meta.split !== undefined && p.meta.split !== rec.split) patch.split = p.meta.split
      if (durationS !== null && rec.durationS === null) patch.durationS = durationS
      if (sampleRate !== null && rec.sampleRate === null) patch.sampleRate = sampleRate
      if (Object.keys(patch).length > 0) {
        rec = store.recordings.update(rec.id, patch)
        if (action === 'unchanged') action = 'updated'
      }
    }
    let sequenceId: number | null = null
    let newSequence = false
    if (p.chordsText !== undefined) {
      const latest = store.sequences.latest(rec.id)
      if (latest?.text !== p.chordsText) {
        sequenceId = store.sequences.save(rec.id, p.chordsText, { author: o.author }).id
        newSequence = true
      } else sequenceId = latest.id
    }
    let revisions = 0
    if (p.annotations.length > 0) {
      const existing = store.annotations.listRevisions(rec.id).map((r) => store.annotations.getRevision(r.id))
      for (const a of p.annotations) {
        if (existing.some((r) => sameSegments(r.segments, a.segments))) continue
        const saved = store.annotations.saveRevision({
          recordingId: rec.id,
          segments: a.segments,
          author: a.author ?? o.author,
          source: 'imported',
          sequenceId,
          note: a.note,
        })
        existing.push({ ...saved, segments: a.segments })
        revisions++
      }
    }
    if ((revisions > 0 || newSequence) && action === 'unchanged') action = 'updated'
    return { id: rec.id, name: rec.name, action, revisions, sequence: newSequence, path: p.audio }
  }
  for (let i = 0; i < todo.length; i += o.batchSize) {
    const batch = todo.slice(i, i + o.batchSize)
    items.push(...store.transaction(() => batch.map(writeOne)))
  }
  const counts = {
    added: 0,
    relocated: 0,
    updated: 0,
    unchanged: 0,
    revisions: 0,
    sequences: 0,
    skipped: skipped.length,
  }
  for (const it of items) {
    counts[it.action]++
    counts.revisions += it.revisions
    if (it.sequence) counts.sequences++
  }
  return { input: path, mode, items, skipped, warnings, counts, ms: performance.now() - t0 }
}
