// Calibration of the poor-fit warning: bundles bench/poorfit.ts with esbuild (dependencies external) and runs it.
//   node bench/poorfit.mjs [--corpus ../shared/data] [--hard out/hard-corpus] [--threshold x]
// Writes bench/results/poorfit.json and prints the tables of docs/align.md.
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outfile = join(root, 'out/bench/poorfit.mjs')
await build({
  entryPoints: [join(root, 'bench/poorfit.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __cwCreateRequire } from 'node:module'; const require = __cwCreateRequire(import.meta.url);",
  },
})
process.env.CW_BENCH_ROOT = root
await import(pathToFileURL(outfile).href)
