/** `chordwarp experiment seed-table`: reproduce the seed report's Table 4.1 and more; write results under --out. */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import type { Command } from 'commander'
import { describeTfBackend, selectTfBackend } from '../../backend/tf-backend'
import { defaultChromaSource } from '../../backend/training/chroma'
import { corpusFingerprint, loadRecordings, readManifest } from '../../backend/training/corpus'
import {
  baselineScores,
  coarseLengths,
  type RunRecord,
  runSeedTable,
  seedTableConfigs,
  targetDistributions,
} from '../../backend/training/experiment'
import { startTrainingJob } from '../../backend/training/job'
import { type ExperimentResults, writeExperimentReport } from '../../backend/training/report'
import { UserError } from '../errors'
import { printJson } from '../output'
import { Progress, parseBackendFlag } from '../progress'

interface Flags {
  manifest: string
  out: string
  seeds: string
  epochs: string
  jobs: string
  backend: string
  only?: string
  resume?: boolean
  json?: boolean
  quiet?: boolean
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return undefined
  }
}

export function register(program: Command): void {
  const exp = program.command('experiment').description("reproduce the seed report's experiments")
  exp
    .command('seed-table')
    .description(
      'Table 4.1 (BCE; soft-DTW uniform/last at 16/75) + CTC, CCE, stabilised soft-DTW, typed-only training, larger models; several seeds',
    )
    .option('--manifest <path>', 'corpus manifest', '../shared/data/manifest.json')
    .option('--out <dir>', 'output folder (results.json, seed-table.md, SVG figures)', 'docs/experiment')
    .option('--seeds <list>', 'comma-separated seeds', '0,1,2')
    .option('--epochs <n>', 'epochs per run', '200')
    .option('--jobs <n>', 'runs at the same time (worker threads)', '1')
    .option('--backend <name>', 'tfjs backend: auto | node-gpu | node | wasm | cpu', 'auto')
    .option(
      '--only <ids>',
      `comma-separated configuration ids (${seedTableConfigs()
        .map((c) => c.id)
        .join(', ')})`,
    )
    .option('--resume', 'keep runs already in <out>/results.json (same corpus and epochs)')
    .option('--json', 'print the summary as one JSON object')
    .option('--quiet', 'no progress on stderr')
    .action(async (f: Flags) => {
      const seeds = f.seeds.split(',').map((s) => Number(s.trim()))
      if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s)))
        throw new UserError(`--seeds must be integers like 0,1,2, got "${f.seeds}"`)
      const epochs = Number(f.epochs)
      if (!(Number.isInteger(epochs) && epochs >= 1))
        throw new UserError(`--epochs must be an integer ≥ 1, got "${f.epochs}"`)
      const jobs = Number(f.jobs)
      if (!(Number.isInteger(jobs) && jobs >= 1))
        throw new UserError(`--jobs must be an integer ≥ 1, got "${f.jobs}"`)
      const ids = seedTableConfigs().map((c) => c.id)
      const only = f.only ? f.only.split(',').map((s) => s.trim()) : null
      for (const id of only ?? [])
        if (!ids.includes(id))
          throw new UserError(`--only: unknown configuration "${id}" (${ids.join(', ')})`)
      const backendPref = parseBackendFlag(f.backend)
      const progress = new Progress(!f.quiet)
      const t0 = performance.now()
      const corpus = readManifest(f.manifest)
      const fingerprint = corpusFingerprint(corpus.items)
      const backend = await selectTfBackend(backendPref)
      progress.note(`tfjs backend: ${describeTfBackend(backend)}`)
      const recordings = await loadRecordings(corpus.items, defaultChromaSource(), {
        onProgress: (d, t, id) => progress.bar(d, t, `features ${id}`),
      })
      progress.done()
      let previous: RunRecord[] = []
      const resultsPath = `${f.out}/results.json`
      if (f.resume && existsSync(resultsPath)) {
        const old = JSON.parse(readFileSync(resultsPath, 'utf8')) as ExperimentResults
        if (old.meta?.fingerprint === fingerprint && old.meta?.epochs === epochs) previous = old.runs ?? []
        else progress.note(`--resume: ${resultsPath} is for another corpus or epoch count; starting afresh`)
      }
      const results: ExperimentResults = {
        meta: {
          date: new Date().toISOString().slice(0, 10),
          manifest: f.manifest,
          fingerprint,
          seeds,
          epochs,
          jobs,
          backend: backend.candidate,
          engine: null,
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
          cpus: `${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}`,
          seconds: 0,
          ...(gitCommit() ? { commit: gitCommit()! } : {}),
        },
        baseline: baselineScores(recordings),
        distributions: targetDistributions(recordings),
        coarse: coarseLengths(recordings),
        runs: [],
        errors: [],
      }
      const save = (runs: RunRecord[]) => {
        results.runs = runs
        results.meta.engine = runs.find((r) => r.engine)?.engine ?? null
        results.meta.seconds = (performance.now() - t0) / 1000
        writeExperimentReport(f.out, results)
      }
      const live: RunRecord[] = [...previous]
      const { runs, errors } = await runSeedTable({
        recordings,
        fingerprint,
        source: f.manifest,
        seeds,
        epochs,
        jobs,
        backend: backendPref,
        only,
        previous,
        run: (req) => startTrainingJob(req).result,
        onRun: (r, done, total) => {
          live.push(r)
          save(live)
          progress.note(
            `[${done}/${total}] ${r.config} seed ${r.seed}: test F ${fmt(r.testSegmentsF)} (segments) ${fmt(r.testSongsF)} (songs), best epoch ${r.bestEpoch}, ${r.seconds.toFixed(0)} s`,
          )
        },
        onError: (c, s, m) => progress.note(`${c} seed ${s} failed: ${m}`),
      })
      results.errors = errors
      save(runs)
      if (f.json)
        printJson({
          out: f.out,
          runs: runs.length,
          errors,
          seconds: results.meta.seconds,
          baseline: results.baseline,
        })
      else
        process.stdout.write(
          `wrote ${f.out}/seed-table.md and results.json (${runs.length} runs, ${errors.length} failed, ${results.meta.seconds.toFixed(0)} s)\n`,
        )
      if (errors.length > 0 && runs.length === 0)
        throw new Error(`every run failed; first: ${errors[0]!.message}`)
    })
}

const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(3))
