/** `chordwarp import <folder|manifest.json|file.jams|audio>`: add recordings and annotations to the library. */
import type { Command } from 'commander'
import { importPath } from '../../backend/store'
import { type DbOption, dbOption, dbPath, withLibrary } from '../library-db'
import { printJson, printLine } from '../output'

interface ImportCliOptions extends DbOption {
  author?: string
  skipInvalid?: boolean
  audio?: string
  tag?: string[]
  json?: boolean
}

export function register(program: Command): void {
  dbOption(
    program
      .command('import')
      .description(
        'import recordings and annotations into the library (folder, manifest.json, .jams, .lab, audio)',
      )
      .argument(
        '<path>',
        'a folder (audio + same-name .lab/.chords.txt/.jams), a manifest.json, a .jams or one file',
      )
      .option('--author <name>', 'author of the imported revisions', 'import')
      .option('--audio <file>', 'audio of a single .jams/.lab that has no same-name audio beside it')
      .option('--tag <tag...>', 'tag every new recording')
      .option('--skip-invalid', 'import the valid items and list the invalid ones (default: refuse all)')
      .option('--json', 'print one JSON object'),
  ).action(async (path: string, o: ImportCliOptions) => {
    const r = await withLibrary(o, true, (s) =>
      importPath(s, path, {
        author: o.author ?? 'import',
        skipInvalid: o.skipInvalid ?? false,
        audio: o.audio,
        tags: o.tag ?? [],
      }),
    )
    if (o.json) {
      printJson({ db: dbPath(o), ...r })
      return
    }
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`)
    for (const s of r.skipped) process.stderr.write(`skipped: ${s.path}: ${s.reason}\n`)
    const c = r.counts
    printLine(
      `${r.items.length} recording${r.items.length === 1 ? '' : 's'} from ${r.input} (${r.mode}) into ${dbPath(o)}: ` +
        `${c.added} added, ${c.relocated} relocated, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped; ` +
        `${c.revisions} revisions, ${c.sequences} sequences saved (${(r.ms / 1000).toFixed(2)} s)`,
    )
  })
}
