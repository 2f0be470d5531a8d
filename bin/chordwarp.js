#!/usr/bin/env node
// Entry point of the `chordwarp` command: runs the bundle that `npm ci` builds (the `prepare` script).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'node', 'cli.js')
if (!existsSync(bundle)) {
  process.stderr.write('chordwarp: the CLI is not built yet: run "npm run build:node" in the repository\n')
  process.exit(2)
}
await import(pathToFileURL(bundle).href)
