// Benchmark of the model room: the whole seed table (every configuration × seeds × 200 epochs) on the CPU,
// timed end to end, plus a short per-epoch comparison of the tfjs backends (cpu vs wasm) on the same data.
//   node bench/seed-table.mjs                       full table → docs/experiment (the committed results)
//   node bench/seed-table.mjs --quick               one seed, 20 epochs, into a temp folder
//   node bench/seed-table.mjs --backends-only       only the cpu-vs-wasm epoch timing
// Writes bench/results/seed-table.json and prints a Markdown table. Needs `node scripts/build-node.mjs`.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const backendsOnly = args.includes('--backends-only')
const arg = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : dflt
}
const manifest = arg('--manifest', '../shared/data/manifest.json')
const jobs = arg('--jobs', '1')
const backendEpochs = arg('--backend-epochs', '10')

function cli(cliArgs) {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [join(root, 'bin/chordwarp.js'), ...cliArgs], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 28,
  })
  if (r.status !== 0) throw new Error(`chordwarp ${cliArgs.join(' ')} exited ${r.status}`)
  return { seconds: (performance.now() - t0) / 1000, stdout: r.stdout }
}

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: root,
  encoding: 'utf8',
}).stdout.trim()
const result = {
  date: new Date().toISOString(),
  commit,
  machine: `${cpus().length}× ${cpus()[0]?.model}`,
  node: process.version,
  note: 'wall time; the machine may be shared (noisy); rerun on a quiet machine for final numbers',
}

// 1. tfjs backends per epoch: BCE and soft-DTW (uniform 16), --backend-epochs each (default 10), same data and seed
const tmp = mkdtempSync(join(tmpdir(), 'cw-bench-'))
result.backends = []
for (const backend of ['cpu', 'wasm'])
  for (const loss of ['bce', 'sdtw']) {
    const out = join(tmp, `${backend}-${loss}.json`)
    const r = cli([
      'train',
      '--manifest',
      manifest,
      '--loss',
      loss,
      '--epochs',
      backendEpochs,
      '--backend',
      backend,
      '-o',
      out,
      '--force',
      '--json',
      '--quiet',
    ])
    const file = JSON.parse(readFileSync(out, 'utf8'))
    const epochs = Number(backendEpochs)
    result.backends.push({
      backend,
      loss,
      epochs,
      trainSeconds: file.training.ms / 1000,
      msPerEpoch: file.training.ms / epochs,
      wallSeconds: r.seconds,
    })
  }
const per = (b, l) => result.backends.find((x) => x.backend === b && x.loss === l).msPerEpoch
result.cpuOverWasm = {
  bce: per('cpu', 'bce') / per('wasm', 'bce'),
  sdtw: per('cpu', 'sdtw') / per('wasm', 'sdtw'),
}

// 2. the whole table
if (!backendsOnly) {
  const out = quick ? join(tmp, 'experiment') : join(root, 'docs/experiment')
  const expArgs = [
    'experiment',
    'seed-table',
    '--manifest',
    manifest,
    '--out',
    out,
    '--jobs',
    jobs,
    '--backend',
    'auto',
  ]
  if (quick) expArgs.push('--seeds', '0', '--epochs', '20')
  const r = cli(expArgs)
  const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))
  result.table = {
    out: quick ? 'temp' : 'docs/experiment',
    seeds: res.meta.seeds,
    epochs: res.meta.epochs,
    jobs: Number(jobs),
    runs: res.runs.length,
    backend: res.meta.backend,
    engine: res.meta.engine,
    wallSeconds: r.seconds,
    experimentSeconds: res.meta.seconds,
    perConfigSeconds: Object.fromEntries(res.summary.map((s) => [s.config, s.seconds])),
  }
}

const resultsFile = join(root, 'bench/results/seed-table.json')
if (backendsOnly && existsSync(resultsFile)) {
  // keep the last full-table timing
  const old = JSON.parse(readFileSync(resultsFile, 'utf8'))
  if (old.table) result.table = { ...old.table, measured: old.date, commit: old.commit }
}
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, 'bench/results/seed-table.json'), `${JSON.stringify(result, null, 1)}\n`)
let md = `| measurement | value |\n|---|---|\n`
for (const b of result.backends)
  md += `| tfjs ${b.backend}, ${b.loss}, ms per epoch (280 segments, batch 5, mean of ${b.epochs}) | ${b.msPerEpoch.toFixed(0)} |\n`
md += `| cpu / wasm time ratio (bce, sdtw) | ${result.cpuOverWasm.bce.toFixed(1)}×, ${result.cpuOverWasm.sdtw.toFixed(1)}× |\n`
if (result.table)
  md += `| whole seed table: ${result.table.runs} runs (${result.table.seeds.length} seeds, ${result.table.epochs} epochs), ${result.table.backend}, ${result.table.jobs} job(s) | ${result.table.wallSeconds.toFixed(0)} s |\n`
process.stdout.write(
  `${md}\n(${result.machine}, Node ${result.node}, ${result.date.slice(0, 10)}, commit ${commit})\n`,
)
