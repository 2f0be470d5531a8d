/** `chordwarp export <recording|--all> --out <dir>`: annotations as .lab/.chords.txt, or the corpus with manifest.json. */
import type { Command } from 'commander'
import { exportCorpus, exportRecording } from '../../backend/store'
import { UserError } from '../errors'
import { type DbOption, dbOption, withLibrary } from '../library-db'
import { printJson, printLine } from '../output'

interface ExportCliOptions extends DbOption {
  all?: boolean
  out?: string
  force?: boolean
  json?: boolean
}

export function register(program: Command): void {
  dbOption(
    program
      .command('export')
      .description(
        "export a recording's current annotation (.lab + .chords.txt), or --all as a corpus folder with manifest.json",
      )
      .argument('[recording]', 'recording id, name or content hash')
      .option('--all', 'the whole library: audio, .lab, .chords.txt and manifest.json')
      .requiredOption('--out <dir>', 'output folder')
      .option('--force', 'overwrite files that exist')
      .option('--json', 'print one JSON object'),
  ).action(async (ref: string | undefined, o: ExportCliOptions) => {
    if (!o.all === !ref) throw new UserError('give either a recording (id or name) or --all')
    await withLibrary(o, false, (s) => {
      if (o.all) {
        const r = exportCorpus(s, o.out!, { overwrite: o.force ?? false })
        if (o.json) printJson(r)
        else {
          for (const k of r.skipped) process.stderr.write(`skipped: ${k.name}: ${k.reason}\n`)
          printLine(`${r.items} recordings exported to ${r.dir} (${r.manifest})`)
        }
      } else {
        const r = exportRecording(s, ref!, o.out!, { overwrite: o.force ?? false })
        if (o.json) printJson(r)
        else printLine(`${r.name}: revision ${r.revisionId} → ${r.lab}, ${r.chords}`)
      }
    })
  })
}
