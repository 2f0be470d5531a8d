/**
 * `chordwarp eval --manifest M --est DIR [--split S] [--json]`: mir_eval-compatible scores of the
 * estimated `<DIR>/<id>.lab` files against a corpus manifest's reference `.lab` files.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { parseLabStrict, type Segment } from '../../core/chords'
import { type AnnotationReport, corpusReport, evaluateAnnotation } from '../../core/eval'
import { UserError } from '../errors'
import { printJson, printLine } from '../output'

/** One manifest item (see shared/data/README.md). */
export interface ManifestEntry {
  id: string
  audio: string
  lab?: string
  chords?: string
  source?: string
  duration_s?: number
  split?: string
}

/** Read a corpus manifest; paths in it are relative to its folder. */
export function readManifest(path: string): { dir: string; items: ManifestEntry[] } {
  if (!existsSync(path)) throw new UserError(`manifest not found: ${path}`)
  let items: ManifestEntry[]
  try {
    items = (JSON.parse(readFileSync(path, 'utf8')) as { items: ManifestEntry[] }).items
  } catch (e) {
    throw new UserError(`cannot read manifest ${path}: ${(e as Error).message}`)
  }
  if (!Array.isArray(items)) throw new UserError(`manifest ${path} has no "items" list`)
  return { dir: dirname(resolve(path)), items }
}

/** Read a `.lab`, turning syntax errors into a user error that names the file. */
export function readLab(path: string): Segment[] {
  try {
    return parseLabStrict(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new UserError(`${path}: ${(e as Error).message}`)
  }
}

function itemJson(id: string, r: AnnotationReport) {
  return {
    id,
    duration: r.chords.duration,
    scores: r.chords.scores,
    frames: r.frames,
    boundaryDeviation: r.boundaryDeviation,
    pairedDeviation: r.pairedDeviation,
  }
}

const f3 = (x: number | null) => (x === null || Number.isNaN(x) ? '   -  ' : x.toFixed(3).padStart(6))

export function register(program: Command): void {
  program
    .command('eval')
    .description('mir_eval-compatible chord metrics of estimated .lab files against a manifest')
    .requiredOption('--manifest <path>', 'reference corpus manifest.json')
    .requiredOption('--est <dir>', 'folder of estimated <id>.lab files')
    .option('--split <name>', 'only items of this split (train, val, test)')
    .option('--json', 'print one JSON object')
    .action((opts: { manifest: string; est: string; split?: string; json?: boolean }) => {
      const { dir, items } = readManifest(opts.manifest)
      if (!existsSync(opts.est)) throw new UserError(`estimate folder not found: ${opts.est}`)
      const chosen = items.filter((it) => it.lab && (!opts.split || it.split === opts.split))
      const reports: { id: string; report: AnnotationReport }[] = []
      const missing: string[] = []
      for (const it of chosen) {
        const estPath = join(opts.est, `${it.id}.lab`)
        if (!existsSync(estPath)) {
          missing.push(it.id)
          continue
        }
        const ref = readLab(resolve(dir, it.lab!))
        const est = readLab(estPath)
        if (est.length === 0) throw new UserError(`${estPath} has no segments`)
        reports.push({ id: it.id, report: evaluateAnnotation(ref, est) })
      }
      if (reports.length === 0)
        throw new UserError(`no <id>.lab of the manifest's ${chosen.length} items found in ${opts.est}`)
      if (missing.length > 0)
        process.stderr.write(
          `chordwarp eval: no estimate for ${missing.length} item(s): ${missing.join(' ')}\n`,
        )
      const total = corpusReport(reports.map((r) => r.report))
      if (opts.json) {
        printJson({ items: reports.map((r) => itemJson(r.id, r.report)), total, missing })
        return
      }
      printLine(
        'id                 dur(s)   root majmin mmInv  mirex  7ths  tetr    seg frameF  dev(s) pair(s)',
      )
      for (const { id, report: r } of reports) {
        const s = r.chords.scores
        printLine(
          `${id.padEnd(18)} ${r.chords.duration.toFixed(1).padStart(6)} ${f3(s.root)} ${f3(s.majmin)} ${f3(s.majmin_inv)} ${f3(s.mirex)} ${f3(s.sevenths)} ${f3(s.tetrads)} ${f3(s.seg)} ${f3(r.frames.f)} ${f3(r.boundaryDeviation)} ${f3(r.pairedDeviation)}`,
        )
      }
      const w = total.chords.wcsr
      printLine(
        `${'TOTAL (WCSR)'.padEnd(18)} ${total.chords.duration.toFixed(1).padStart(6)} ${f3(w.root)} ${f3(w.majmin)} ${f3(w.majmin_inv)} ${f3(w.mirex)} ${f3(w.sevenths)} ${f3(w.tetrads)} ${f3(total.chords.seg)} ${f3(total.frames.f)} ${f3(total.boundaryDeviation)} ${f3(total.pairedDeviation)}`,
      )
    })
}
