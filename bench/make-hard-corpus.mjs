// Builds harder copies of the dev corpus for the alignment benchmark: bundles bench/hard-corpus.ts
// with esbuild (dependencies external) and runs it. See that file for the variants.
//   node bench/make-hard-corpus.mjs [--split test|train,val|all] [--variants hard,vocal,…]
//                                   [--corpus ../shared/data] [--out out/hard-corpus]
// Needs ffmpeg and sox. Writes out/hard-corpus/<variant>/ (ignored by git).
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outfile = join(root, 'out/bench/hard-corpus.mjs')
await build({
  entryPoints: [join(root, 'bench/hard-corpus.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
process.env.CW_BENCH_ROOT = root
await import(pathToFileURL(outfile).href)
