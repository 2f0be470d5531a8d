// `npm run bench -- <name> [args]`: runs bench/<name>.mjs (e.g. `npm run bench -- store --recordings 1000`);
// without a name, lists the benchmarks.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const names = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .map((f) => f.slice(0, -4))
const [name, ...args] = process.argv.slice(2)
if (!name) {
  process.stdout.write(`benchmarks: ${names.join(', ')}\nrun one: npm run bench -- <name> [args]\n`)
  process.exit(0)
}
const file = join(here, `${name}.mjs`)
if (!existsSync(file)) {
  process.stderr.write(`bench: no benchmark "${name}" (have: ${names.join(', ')})\n`)
  process.exit(1)
}
process.exit(spawnSync(process.execPath, [file, ...args], { stdio: 'inherit' }).status ?? 1)
