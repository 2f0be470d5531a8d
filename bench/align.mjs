// Alignment benchmark: bundles bench/align.ts with esbuild (dependencies external) and runs it.
//   node bench/align.mjs [--split test|all] [--reps 15] [--corpus ../shared/data] [--hard out/hard-corpus]
//   node bench/align.mjs --model resources/models/dchord-default.json   (template vs model emissions)
// Writes bench/results/align.json and prints the Markdown tables of docs/align.md.
// Build the harder corpus first: node bench/make-hard-corpus.mjs
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outfile = join(root, 'out/bench/align.mjs')
await build({
  entryPoints: [join(root, 'bench/align.ts')],
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
