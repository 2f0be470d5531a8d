/**
 * `chordwarp align <audio> (--chords "C G Am F" | --chords-file F) [-o out.lab] [--json]`: place a typed
 * chord sequence in time. Batch form: `chordwarp align --manifest M --out DIR` aligns every item's
 * `.chords.txt`, with progress on stderr.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { loadModel, readModelFile } from '../../backend/inference'
import { type AlignOptions, type AlignResult, type Anchor, alignChords } from '../../core/align'
import { formatLab, parseSequenceStrict } from '../../core/chords'
import type { ChordModel } from '../../core/model'
import { UserError } from '../errors'
import { printJson, printLine } from '../output'
import { readManifest } from './eval'
import { loadRecording, modelEmissions } from './recording'

interface AlignFlags {
  cache: boolean
  cacheDir?: string
  chords?: string
  chordsFile?: string
  output?: string
  json?: boolean
  lock?: string
  guard: boolean
  leadN: boolean
  trailN: boolean
  manifest?: string
  out?: string
  split?: string
  model?: string
}

/** `3@12.5,7@30.25` → anchors (1-based chord numbers on the command line, 0-based inside). */
export function parseLocks(text: string, chords: number): Anchor[] {
  return text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((item) => {
      const m = /^\s*(\d+)\s*@\s*([0-9.]+)\s*$/.exec(item)
      if (!m) throw new UserError(`--lock: "${item}" is not chord@seconds (e.g. 3@12.5)`)
      const n = Number(m[1])
      if (n < 1 || n > chords + 1)
        throw new UserError(
          `--lock: chord ${n} does not exist (the sequence has ${chords} chords; ${chords + 1} = its end)`,
        )
      return { token: n - 1, time: Number(m[2]) }
    })
}

function readSequence(f: AlignFlags): string[] {
  if (f.chords !== undefined && f.chordsFile !== undefined)
    throw new UserError('give the chords once: either --chords or --chords-file')
  let text: string
  if (f.chords !== undefined) text = f.chords
  else if (f.chordsFile !== undefined) {
    if (!existsSync(f.chordsFile)) throw new UserError(`chords file not found: ${f.chordsFile}`)
    text = readFileSync(f.chordsFile, 'utf8')
  } else throw new UserError('give the chords you hear: --chords "C G Am F" or --chords-file song.chords.txt')
  return parseSequenceStrict(text).map((c) => c.label)
}

function options(f: AlignFlags, duration: number): AlignOptions {
  return { transpositionGuard: f.guard, leadingN: f.leadN, trailingN: f.trailN, duration }
}

/** The JSON form of a result (segments, boundaries, warnings and the run's facts). */
export function resultJson(r: AlignResult, ms: number) {
  return {
    segments: r.segments,
    boundaries: r.boundaries,
    warnings: r.warnings,
    tokens: r.tokens,
    transposition: r.transposition,
    emission: r.emission,
    duration: r.duration,
    score: r.score,
    fit: r.fit,
    ms,
  }
}

async function alignOne(
  audio: string,
  seq: string[],
  f: AlignFlags,
  locks: string | undefined,
  duration?: number,
  model?: ChordModel | null,
) {
  const load = { cache: f.cache, cacheDir: f.cacheDir }
  const rec = await loadRecording(audio, load)
  const t0 = performance.now()
  const opts = options(f, duration ?? rec.duration)
  if (model) opts.model = await modelEmissions(model, audio, rec, load)
  if (locks) opts.anchors = parseLocks(locks, seq.length)
  const r = alignChords(rec.chroma, seq, opts)
  return { r, ms: performance.now() - t0 }
}

async function batch(f: AlignFlags): Promise<void> {
  if (!f.out) throw new UserError('batch alignment needs --out DIR for the <id>.lab files')
  if (f.chords !== undefined || f.chordsFile !== undefined || f.lock)
    throw new UserError(
      'with --manifest every item uses its own .chords.txt: drop --chords/--chords-file/--lock',
    )
  const { dir, items } = readManifest(f.manifest!)
  const chosen = items.filter((it) => it.chords && (!f.split || it.split === f.split))
  if (chosen.length === 0)
    throw new UserError(
      `no item of ${f.manifest} has a chord sequence${f.split ? ` in split "${f.split}"` : ''}`,
    )
  mkdirSync(f.out, { recursive: true })
  const model = f.model ? await loadModel(readModelFile(f.model)) : null
  const summary: { id: string; warnings: number; transposition: number; ms: number }[] = []
  for (const [i, it] of chosen.entries()) {
    const seq = parseSequenceStrict(readFileSync(resolve(dir, it.chords!), 'utf8')).map((c) => c.label)
    const { r, ms } = await alignOne(resolve(dir, it.audio), seq, f, undefined, it.duration_s, model)
    writeFileSync(join(f.out, `${it.id}.lab`), formatLab(r.segments))
    if (f.json) writeFileSync(join(f.out, `${it.id}.json`), `${JSON.stringify(resultJson(r, ms))}\n`)
    summary.push({ id: it.id, warnings: r.warnings.length, transposition: r.transposition, ms })
    process.stderr.write(
      `[${i + 1}/${chosen.length}] ${it.id}: ${r.tokens.length} chords, ${r.warnings.length} warning(s), ${ms.toFixed(0)} ms\n`,
    )
  }
  if (f.json) printJson({ items: summary, out: f.out })
  else printLine(`aligned ${summary.length} item(s) → ${f.out}`)
}

export function register(program: Command): void {
  program
    .command('align')
    .description('align a typed chord sequence to a recording → .lab')
    .argument('[audio]', 'audio file, or chroma JSON from "chordwarp chroma --json"')
    .option(
      '--chords <text>',
      'the chords in order, e.g. "C G Am F" (lead-sheet or Harte, | bars and repeats)',
    )
    .option('--chords-file <path>', 'read the chord sequence from a file (e.g. song.chords.txt)')
    .option('--no-cache', 'do not read or write the feature cache')
    .option(
      '--cache-dir <dir>',
      'feature cache folder (default $CHORDWARP_CACHE_DIR or ~/.cache/chordwarp/features)',
    )
    .option('-o, --output <file>', 'write the .lab here (default: print it)')
    .option('--json', 'print one JSON object: segments with confidence, boundaries, warnings')
    .option(
      '--lock <list>',
      'locked boundaries: chord@seconds, comma-separated, 1-based (e.g. "3@12.5,9@40")',
    )
    .option('--no-guard', 'do not try the recording one semitone up and down')
    .option('--no-lead-n', 'no "N" before the first chord')
    .option('--no-trail-n', 'no "N" after the last chord')
    .option('--manifest <path>', 'batch: align every item of a corpus manifest with its .chords.txt')
    .option('--out <dir>', 'batch: folder for the <id>.lab files (and <id>.json with --json)')
    .option('--split <name>', 'batch: only items of this split (train, val, test)')
    .option(
      '--model <file>',
      'score frames with this trained chord model (model JSON) instead of chroma templates',
    )
    .action(async (audio: string | undefined, f: AlignFlags) => {
      if (f.manifest) {
        if (audio) throw new UserError('give either an audio file or --manifest, not both')
        return batch(f)
      }
      if (!audio) throw new UserError('give the recording: chordwarp align song.mp3 --chords "C G Am F"')
      const seq = readSequence(f)
      const model = f.model ? await loadModel(readModelFile(f.model)) : null
      const { r, ms } = await alignOne(audio, seq, f, f.lock, undefined, model)
      const lab = formatLab(r.segments)
      if (f.output) writeFileSync(f.output, lab)
      if (f.json) printJson(resultJson(r, ms))
      else if (!f.output) process.stdout.write(lab)
      else printLine(`${r.segments.length} segments → ${f.output}`)
      if (!f.json) for (const w of r.warnings) process.stderr.write(`warning: ${w.message}\n`)
    })
}
