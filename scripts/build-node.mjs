// Bundles the Node side (CLI, server, workers) into out/node with esbuild; dependencies stay external
// (better-sqlite3, tfjs and our native addon must be loaded from node_modules / native/ at run time).
import { readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Worker entry points: every `*.worker.ts` under src/ becomes out/node/<name>.worker.js. */
function workers(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...workers(p))
    else if (name.endsWith('.worker.ts')) out.push(p)
  }
  return out
}

const entryPoints = { cli: join(root, 'src/cli/bin.ts') }
for (const w of workers(join(root, 'src'))) {
  entryPoints[relative(join(root, 'src'), w).replace(/\//g, '_').replace(/\.ts$/, '')] = w
}

const t0 = Date.now()
await build({
  entryPoints,
  outdir: join(root, 'out/node'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __cwCreateRequire } from 'node:module'; const require = __cwCreateRequire(import.meta.url);",
  },
})
process.stderr.write(
  `build-node: ${Object.keys(entryPoints).length} entries → out/node (${Date.now() - t0} ms)\n`,
)
