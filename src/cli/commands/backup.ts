/** `chordwarp backup <file>`: a consistent copy of the library with SQLite's online backup API. */
import type { Command } from 'commander'
import { type DbOption, dbOption, dbPath, withLibrary } from '../library-db'
import { printJson, printLine } from '../output'

export function register(program: Command): void {
  dbOption(
    program
      .command('backup')
      .description(
        'copy the library to a file while it stays in use (SQLite online backup), then check the copy',
      )
      .argument('<file>', 'the backup file to write')
      .option('--force', 'replace the file if it exists')
      .option('--json', 'print one JSON object'),
  ).action(async (file: string, o: DbOption & { force?: boolean; json?: boolean }) => {
    const r = await withLibrary(o, false, (s) => s.backup(file, { overwrite: o.force ?? false }))
    if (o.json) printJson({ db: dbPath(o), ...r })
    else
      printLine(
        `backup of ${dbPath(o)} written to ${r.path} (${(r.bytes / 1048576).toFixed(1)} MiB, checked)`,
      )
  })
}
