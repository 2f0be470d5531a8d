/** `chordwarp library ls|show|rm|check`: what is in the library. */
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { type RecordingSummary, StoreError } from '../../backend/store'
import { formatLab } from '../../core/chords'
import { UserError } from '../errors'
import { type DbOption, dbOption, dbPath, withLibrary } from '../library-db'
import { printJson, printLine } from '../output'

function clock(s: number | null): string {
  if (s === null) return '?'
  const m = Math.floor(s / 60)
  return `${m}:${String(Math.floor(s - m * 60)).padStart(2, '0')}`
}

function annotationText(r: RecordingSummary): string {
  if (!r.current) return 'no annotation'
  return `${r.current.segmentCount} seg, ${r.current.status} (${r.current.source})`
}

function positiveInt(v: string, name: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${name} must be a non-negative integer, got "${v}"`)
  return n
}

export function register(program: Command): void {
  const lib = program.command('library').description('list, show and remove recordings of the library')

  dbOption(
    lib
      .command('ls')
      .description('recordings with their current annotation')
      .option('--search <text>', 'words that must all occur in name, path, source or a tag')
      .option('--tag <tag>', 'only recordings with this tag')
      .option('--limit <n>', 'at most n rows')
      .option('--json', 'print one JSON object'),
  ).action(async (o: DbOption & { search?: string; tag?: string; limit?: string; json?: boolean }) => {
    const limit = o.limit === undefined ? undefined : positiveInt(o.limit, '--limit')
    if (!existsSync(dbPath(o))) {
      // a library that does not exist yet is empty
      if (o.json) printJson({ db: dbPath(o), total: 0, items: [] })
      else process.stderr.write(`the library ${dbPath(o)} is empty: "chordwarp import <folder>" fills it\n`)
      return
    }
    await withLibrary(o, false, (s) => {
      const filter = { search: o.search, tag: o.tag }
      const items = s.recordings.list({ ...filter, limit })
      const total = s.recordings.count(filter)
      if (o.json) {
        printJson({ db: s.path, total, items })
        return
      }
      for (const r of items)
        printLine(
          [String(r.id).padStart(5), r.name, clock(r.durationS), annotationText(r), r.tags.join(',')].join(
            '\t',
          ),
        )
      process.stderr.write(`${items.length} of ${total} recordings in ${s.path}\n`)
    })
  })

  dbOption(
    lib
      .command('show')
      .description('one recording: file, annotation history, typed sequence')
      .argument('<recording>', 'id, name or content hash')
      .option('--lab', 'print the current annotation as .lab instead')
      .option('--json', 'print one JSON object'),
  ).action(async (ref: string, o: DbOption & { lab?: boolean; json?: boolean }) => {
    await withLibrary(o, false, (s) => {
      const rec = s.recordings.resolve(ref)
      const loaded = s.recordings.load(rec.id)
      const revisions = s.annotations.listRevisions(rec.id)
      const present = existsSync(rec.path)
      if (o.lab) {
        if (!loaded.annotation)
          throw new StoreError(
            'not-found',
            `recording "${rec.name}" has no annotation yet: align or import one first`,
          )
        process.stdout.write(formatLab(loaded.annotation.segments))
        return
      }
      if (o.json) {
        printJson({ ...loaded, present, revisions })
        return
      }
      const r = loaded.recording
      printLine(`${r.name} (id ${r.id})`)
      printLine(
        `  path      ${r.path}${present ? '' : '  [missing: import its new folder to find it again]'}`,
      )
      printLine(`  hash      ${r.hash}`)
      printLine(
        `  audio     ${r.durationS === null ? '? s' : `${r.durationS.toFixed(3)} s`}, ${r.sampleRate ?? '?'} Hz, ${r.format ?? '?'}`,
      )
      if (r.source) printLine(`  source    ${r.source}`)
      if (r.license) printLine(`  license   ${r.license}`)
      if (r.split) printLine(`  split     ${r.split}`)
      if (r.tags.length) printLine(`  tags      ${r.tags.join(', ')}`)
      if (loaded.sequence) printLine(`  sequence  ${loaded.sequence.text.replace(/\s+/g, ' ')}`)
      printLine(`revisions (newest first, * = current):`)
      for (const v of revisions)
        printLine(
          `  ${v.id === r.currentRevisionId ? '*' : ' '} ${v.id}\t${v.createdAt}\t${v.source}\t${v.author}\t${v.segmentCount} segments\t${v.status}${v.note ? `\t${v.note}` : ''}`,
        )
    })
  })

  dbOption(
    lib
      .command('rm')
      .description('remove a recording with its annotation history (the audio file stays)')
      .argument('<recording>', 'id, name or content hash')
      .option('--yes', 'also when it has saved revisions')
      .option('--json', 'print one JSON object'),
  ).action(async (ref: string, o: DbOption & { yes?: boolean; json?: boolean }) => {
    await withLibrary(o, true, (s) => {
      const rec = s.recordings.resolve(ref)
      const n = s.annotations.listRevisions(rec.id).length
      if (n > 0 && !o.yes)
        throw new UserError(
          `"${rec.name}" has ${n} saved revision${n > 1 ? 's' : ''}: pass --yes to delete them too ("chordwarp backup FILE" keeps a copy)`,
        )
      const r = s.recordings.remove(rec.id)
      if (o.json) printJson({ removed: r.recording, revisions: r.revisions })
      else printLine(`removed "${r.recording.name}" (id ${r.recording.id}) and ${r.revisions} revisions`)
    })
  })

  dbOption(
    lib
      .command('check')
      .description('integrity check of the library file (PRAGMA integrity_check + foreign keys)')
      .option('--json', 'print one JSON object'),
  ).action(async (o: DbOption & { json?: boolean }) => {
    await withLibrary(o, false, (s) => {
      const problems = s.check()
      if (o.json)
        printJson({ db: s.path, ok: problems.length === 0, schemaVersion: s.schemaVersion, problems })
      else if (problems.length === 0) printLine(`${s.path}: ok (schema v${s.schemaVersion})`)
      if (problems.length > 0) {
        if (!o.json) for (const p of problems) process.stderr.write(`${p}\n`)
        throw new StoreError(
          'corrupt',
          `the library ${s.path} has ${problems.length} problem${problems.length > 1 ? 's' : ''}: restore it from a backup`,
        )
      }
    })
  })
}
