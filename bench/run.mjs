// `npm run bench -- <name> [args]`: runs bench/<name>.mjs with the remaining arguments.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = dirname(fileURLToPath(import.meta.url))
const [name, ...rest] = process.argv.slice(2)
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .map((f) => f.slice(0, -4))
if (!name || !existsSync(join(dir, `${name}.mjs`))) {
  process.stderr.write(`usage: npm run bench -- <name> [args]; benchmarks: ${available.join(', ')}\n`)
  process.exit(1)
}
process.exit(
  spawnSync(process.execPath, [join(dir, `${name}.mjs`), ...rest], { stdio: 'inherit' }).status ?? 1,
)
