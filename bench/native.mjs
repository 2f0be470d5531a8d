// Benchmark of the DTW backends (TypeScript, native C++ with 1 and 2 threads, CUDA when a GPU is present)
// against the numba reference of issue 3, measured in the same run: soft-DTW forward + backward (γ = 1,
// seed steps, uniform costs), best of several runs, in Mcells/s (B·N·M / time).
//
//   node bench/native.mjs                    all sizes → bench/results/native.json + the Markdown table
//   node bench/native.mjs --sizes 5x150x75   some sizes
//   node bench/native.mjs --no-ts --no-numba skip the slow references
//   node bench/native.mjs --rounds 3         rounds: every backend (and numba) is timed once per round, in
//                                            turn, and the best of the rounds is kept, so that all of them
//                                            see the same machine load
//
// It runs `chordwarp bench dtw` (the engine's own timing loop) once per backend / thread count, so the
// CLI bundle and the addon must be built (npm ci does both). The machine is recorded with its load
// average: on a shared machine timings are noisy; compare ratios within one run.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const argv = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : dflt
}
const SIZES = opt('--sizes', '5x150x16,5x150x75,32x1024x64,1x3000x200,32x512x512,8x4096x256')
const RUNS = opt('--runs', '5')
const ROUNDS = Number(opt('--rounds', '3'))
const withTs = !argv.includes('--no-ts')
const withNumba = !argv.includes('--no-numba')
const PY = '/usr/bin/python3'

function cli(args, env = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/chordwarp.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
  })
  if (r.status !== 0) throw new Error(`chordwarp ${args.join(' ')} failed: ${r.stderr.trim()}`)
  return r.stdout
}

const doctor = JSON.parse(cli(['doctor', '--json']))
if (!doctor.dtw.native.loaded) {
  process.stderr.write(
    `bench/native: the native addon is not loaded (${doctor.dtw.native.reason}); run npm run build:native\n`,
  )
  process.exit(1)
}

const key = (r) => `${r.B}x${r.N}x${r.M}`
const id = (r) => `${r.backend}|${r.dtype}|${r.threads}|${key(r)}`
const bestOf = new Map()
const keep = (r) => {
  const k = id(r)
  const o = bestOf.get(k)
  if (!o || r.ms < o.ms) bestOf.set(k, r)
}
const bench = (backend, threads) => {
  const out = cli(
    ['bench', 'dtw', '--sizes', SIZES, '--backend', backend, '--dtype', 'all', '--runs', RUNS, '--json'],
    {
      CHORDWARP_DTW_THREADS: String(threads ?? 1),
    },
  )
  for (const r of JSON.parse(out)) keep(r)
}
let numbaNote = ''
const hasNumba = withNumba && spawnSync(PY, ['-c', 'import numba'], { encoding: 'utf8' }).status === 0
if (withNumba && !hasNumba) numbaNote = 'numba not installed for /usr/bin/python3 (apt install python3-numba)'
const loadStart = loadavg().map((x) => Math.round(x * 100) / 100)
for (let round = 1; round <= ROUNDS; round++) {
  process.stderr.write(`bench/native: round ${round}/${ROUNDS} …\n`)
  if (hasNumba)
    for (const r of JSON.parse(
      execFileSync(PY, [join(root, 'bench/dtw_numba.py'), SIZES, RUNS], {
        encoding: 'utf8',
        env: { ...process.env, NUMBA_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
      }),
    ))
      keep(r)
  bench('native', 1)
  bench('native', 2)
  if (doctor.dtw.cuda.registered) bench('cuda', 1)
  if (withTs) bench('ts')
}
const all = [...bestOf.values()]
const numba = all.filter((r) => r.backend === 'numba')
const rows = all.filter((r) => r.backend !== 'numba')

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: root,
  encoding: 'utf8',
}).stdout.trim()
const result = {
  date: new Date().toISOString(),
  commit,
  machine: {
    cpu: doctor.cpu?.model || cpus()[0]?.model,
    hardwareThreads: cpus().length,
    loadAverageStart: loadStart,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    features: doctor.cpu?.features ?? [],
    gpus: doctor.gpus,
  },
  node: process.version,
  addon: doctor.dtw.native.build,
  cuda: doctor.dtw.cuda,
  problem: `soft-DTW forward + backward, γ = 1, seed steps, uniform [0, 1) costs, best of ≥ ${RUNS} runs × ${ROUNDS} alternating rounds`,
  rows,
  numba,
  numbaNote,
}
mkdirSync(join(root, 'bench/results'), { recursive: true })
const resultFile = join(root, 'bench/results/native.json')
writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`)
// the repository's formatter (biome) checks JSON too
spawnSync(
  process.execPath,
  [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'format', '--write', resultFile],
  {
    cwd: root,
  },
)

// Markdown: one row per size, columns per backend/dtype/threads, and the ratio to numba
const sizes = SIZES.split(',')
const cols = []
if (withTs) cols.push(['ts', 'float64', 1], ['ts', 'float32', 1])
cols.push(
  ['native', 'float64', 1],
  ['native', 'float32', 1],
  ['native', 'float64', 2],
  ['native', 'float32', 2],
)
if (doctor.dtw.cuda.registered) cols.push(['cuda', 'float64', 1], ['cuda', 'float32', 1])
const find = (b, d, t, s) =>
  rows.find((r) => r.backend === b && r.dtype === d && r.threads === t && key(r) === s)
const header = [
  'B×N×M',
  ...(numba.length ? ['numba f64'] : []),
  ...cols.map(([b, d, t]) => `${b} ${d === 'float64' ? 'f64' : 'f32'}${b === 'native' ? ` ${t}T` : ''}`),
]
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`]
for (const s of sizes) {
  const nb = numba.find((r) => key(r) === s)
  const cells = [s.replace(/x/g, '×')]
  if (numba.length) cells.push(nb ? nb.mcellsPerS.toFixed(1) : '–')
  for (const [b, d, t] of cols) {
    const r = find(b, d, t, s)
    if (!r) cells.push('–')
    else
      cells.push(
        nb && b === 'native'
          ? `${r.mcellsPerS.toFixed(1)} (${(r.mcellsPerS / nb.mcellsPerS).toFixed(1)}×)`
          : r.mcellsPerS.toFixed(1),
      )
  }
  lines.push(`| ${cells.join(' | ')} |`)
}
const table = lines.join('\n')
process.stdout.write(
  `${table}\n\nMcells/s, forward + backward; (×) = ratio to numba in the same run. ${result.machine.cpu}, ${result.machine.hardwareThreads} hardware threads, load average ${result.machine.loadAverage.join(' / ')} at the end, ${result.date.slice(0, 10)}, commit ${commit}.\n`,
)
if (existsSync(join(root, 'docs/native.md'))) {
  const md = readFileSync(join(root, 'docs/native.md'), 'utf8')
  const a = md.indexOf('<!-- bench:native -->')
  const b = md.indexOf('<!-- /bench:native -->')
  if (a >= 0 && b > a) {
    const block = `<!-- bench:native -->\n${table}\n\nMeasured ${result.date.slice(0, 10)} (commit ${commit}) on ${result.machine.cpu}, ${result.machine.hardwareThreads} hardware threads, load average ${result.machine.loadAverage.join(' / ')}; ${doctor.gpus.length ? `GPU ${doctor.gpus.map((g) => g.name).join(', ')}` : 'no GPU'}. Mcells/s, forward + backward; (×) = ratio to the numba reference measured in the same run.\n`
    writeFileSync(join(root, 'docs/native.md'), md.slice(0, a) + block + md.slice(b))
  }
}
