// DTW benchmark: soft-DTW forward+backward throughput of every registered backend (via the built CLI,
// `chordwarp bench dtw`), next to the reference — numba float64 with the backward reusing the
// forward's soft-min weights (bench/dtw_numba.py) — measured in the same run when numba is installed.
//   node bench/dtw.mjs [--sizes 5x150x16,...] [--runs 7] [--rounds 3] [--gamma 1]   (or: npm run bench -- dtw)
// Writes bench/results/dtw.json (γ = 1) or bench/results/dtw-gamma<γ>.json and prints a Markdown table.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, def) => {
  const k = process.argv.indexOf(name)
  return k >= 0 ? process.argv[k + 1] : def
}
const sizes = arg('--sizes', '5x150x16,5x150x75,32x1024x64,1x3000x200')
const runs = arg('--runs', '7')
const gamma = arg('--gamma', '1')
if (!(Number(gamma) > 0)) throw new Error(`--gamma must be a positive number, got ${gamma}`)
const outName = Number(gamma) === 1 ? 'dtw.json' : `dtw-gamma${Number(gamma)}.json`
const PY = '/usr/bin/python3'

execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: root, stdio: 'inherit' })

function numba() {
  const probe = spawnSync(PY, ['-c', 'import numba; print(numba.__version__)'], { encoding: 'utf8' })
  if (probe.status !== 0)
    return {
      missing: `numba is missing (${PY} cannot import it; apt-get install -y python3-numba)`,
      rows: [],
    }
  const out = execFileSync(PY, [join(root, 'bench/dtw_numba.py'), sizes, runs, gamma], {
    encoding: 'utf8',
    env: { ...process.env, NUMBA_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  })
  return { version: probe.stdout.trim(), rows: JSON.parse(out) }
}

const tsRows = () =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ['bin/chordwarp.js', 'bench', 'dtw', '--sizes', sizes, '--runs', runs, '--gamma', gamma, '--json'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    ),
  )
const key = (r) => `${r.B}x${r.N}x${r.M}`
/** Keep the best (fastest) of each row over the rounds. */
function best(a, b) {
  if (!a) return b
  return a.map((r) => {
    const o = b.find((x) => key(x) === key(r) && x.backend === r.backend && x.dtype === r.dtype)
    return o && o.ms < r.ms ? o : r
  })
}
// alternate the two implementations over a few rounds so that both see the same machine load
const load0 = loadavg()[0]
const rounds = Number(arg('--rounds', '3'))
let ref
let ts
for (let k = 0; k < rounds; k++) {
  const n = numba()
  ref = ref ? { ...n, rows: best(ref.rows, n.rows) } : n
  ts = best(ts, tsRows())
}
const refBy = new Map(ref.rows.map((r) => [key(r), r]))
const ratios = ts.map((r) => {
  const n = refBy.get(key(r))
  return {
    backend: r.backend,
    dtype: r.dtype,
    size: key(r),
    mcellsPerS: r.mcellsPerS,
    numba: n?.mcellsPerS ?? null,
    ratio: n ? Number((r.mcellsPerS / n.mcellsPerS).toFixed(2)) : null,
  }
})
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: root,
  encoding: 'utf8',
}).stdout.trim()
const result = {
  date: new Date().toISOString(),
  commit,
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverage1m: [load0, loadavg()[0]] },
  node: process.version,
  problem: `soft-DTW, seed steps, gamma = ${gamma}, uniform random costs in [0, 1), forward + backward (gradient)`,
  timing: `best of ${runs} runs per round, best of ${rounds} rounds alternating numba and the CLI`,
  reference: ref.missing
    ? { missing: ref.missing }
    : {
        implementation: 'numba float64, backward reusing the forward soft-min weights (bench/dtw_numba.py)',
        version: ref.version,
        rows: ref.rows,
      },
  rows: ts,
  ratios,
}
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, 'bench/results', outName), `${JSON.stringify(result, null, 2)}\n`)
// the repository's formatter style (biome), so that the committed file stays lint-clean
spawnSync(
  process.execPath,
  [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'format', '--write', `bench/results/${outName}`],
  {
    cwd: root,
    stdio: 'ignore',
  },
)

const sizeList = [...new Set(ts.map(key))]
const lines = [
  `| implementation | ${sizeList.map((s) => s.replace(/x/g, '×')).join(' | ')} |`,
  `|---|${sizeList.map(() => '---').join('|')}|`,
]
if (ref.rows.length)
  lines.push(
    `| numba float64 (reference, same run) | ${sizeList.map((s) => refBy.get(s)?.mcellsPerS ?? '–').join(' | ')} |`,
  )
for (const backend of [...new Set(ts.map((r) => r.backend))])
  for (const dtype of ['float64', 'float32']) {
    const rows = ts.filter((r) => r.backend === backend && r.dtype === dtype)
    if (!rows.length) continue
    const cell = (s) => {
      const r = rows.find((x) => key(x) === s)
      if (!r) return '–'
      const n = refBy.get(s)
      return n ? `${r.mcellsPerS} (×${(r.mcellsPerS / n.mcellsPerS).toFixed(2)})` : `${r.mcellsPerS}`
    }
    lines.push(
      `| ${backend} ${dtype}, ${rows[0].threads} thread${rows[0].threads > 1 ? 's' : ''} | ${sizeList.map(cell).join(' | ')} |`,
    )
  }
process.stdout.write(
  `\nsoft-DTW forward+backward, γ = ${gamma} [Mcells/s] (ratio vs numba), ${result.machine.cpu}, ${result.machine.cores} cores, load ${load0.toFixed(2)}, ${result.date}\n`,
)
if (ref.missing) process.stdout.write(`NOTE: ${ref.missing}; the reference row is absent\n`)
process.stdout.write(`${lines.join('\n')}\n\nwrote bench/results/${outName}\n`)
