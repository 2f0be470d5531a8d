/** `chordwarp train`: train dChord (or a larger model) on a manifest, on a worker thread, and save the model file. */
import { existsSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { readManifest } from '../../backend/training/corpus'
import { startTrainingJob, TrainingJobError } from '../../backend/training/job'
import type { EpochReport, TrainOptions } from '../../core/model'
import { UserError } from '../errors'
import { printJson } from '../output'
import { Progress, parseBackendFlag } from '../progress'
import { addTrainingFlags, type TrainingFlags, trainOptionsFromFlags } from '../train-flags'

interface Flags extends TrainingFlags {
  manifest: string
  out: string
  force?: boolean
  json?: boolean
  quiet?: boolean
  backend: string
  targets: string
  segment: string
  features: string
}

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description('train the dChord model (BCE, CCE, soft-DTW or CTC) on a manifest and save it as JSON')
    .requiredOption(
      '--manifest <path>',
      'corpus manifest (shared/data format: items with audio, lab, chords, split)',
    )
    .option('-o, --out <file>', 'model file to write', 'model.json')
    .option('--force', 'overwrite an existing model file')
    .option(
      '--targets <kind>',
      'lab: timed .lab files, segments; chords: typed .chords.txt of whole songs (no .lab)',
      'lab',
    )
    .option('--segment <frames>', 'segment length [frames] for lab targets', '150')
    .option(
      '--features <kind>',
      "tuned: fmp chroma at each recording's estimated tuning, as the model reads when aligning; seed: libfmp's untuned chroma, as the seed report (and `experiment`)",
      'tuned',
    )
    .option('--backend <name>', 'tfjs backend: auto | node-gpu | node | wasm | cpu', 'auto')
    .option('--json', 'print one JSON object (summary) on stdout')
    .option('--quiet', 'no progress on stderr')
  addTrainingFlags(cmd)
  cmd.action(async (flags: Flags) => {
    if (existsSync(flags.out) && !flags.force)
      throw new UserError(`${flags.out} exists; choose another --out or pass --force`)
    if (flags.targets !== 'lab' && flags.targets !== 'chords')
      throw new UserError(`--targets must be lab or chords, got "${flags.targets}"`)
    if (flags.features !== 'tuned' && flags.features !== 'seed')
      throw new UserError(`--features must be tuned or seed, got "${flags.features}"`)
    const segment = Number(flags.segment)
    if (!(Number.isInteger(segment) && segment >= 2))
      throw new UserError(`--segment must be an integer ≥ 2, got "${flags.segment}"`)
    const options: Partial<TrainOptions> = trainOptionsFromFlags(flags)
    // whole recordings from typed sequences: unfold the chord order over the frames unless told
    // otherwise (as the app; measured far more robust on noisy recordings, docs/training.md)
    if (flags.targets === 'chords' && options.pad === undefined) options.pad = 'unfold'
    const backend = parseBackendFlag(flags.backend)
    readManifest(flags.manifest) // fail fast, in one line, before the worker starts
    const job = startTrainingJob({
      data: { manifest: flags.manifest },
      targets: flags.targets,
      segment: { length: segment },
      options,
      backend,
      name: `${options.loss ?? 'sdtw'} on ${flags.manifest}`,
      features: flags.features,
    })
    const progress = new Progress(!flags.quiet)
    job.on('backend', (r) =>
      progress.note(
        `tfjs backend: ${r.candidate}${
          r.attempts.some((a) => !a.ok)
            ? ` (${r.attempts
                .filter((a) => !a.ok)
                .map((a) => `${a.candidate}: ${a.reason}`)
                .join('; ')})`
            : ''
        }`,
      ),
    )
    job.on('features', (done, total, id) => progress.bar(done, total, `features ${id}`))
    job.on('epoch', (e: EpochReport) => progress.epoch(e))
    let interrupted = false
    const onSigint = () => {
      if (interrupted) process.exit(130)
      interrupted = true
      progress.note('stopping after this batch (Ctrl-C again to quit without saving)…')
      job.cancel()
    }
    process.on('SIGINT', onSigint)
    try {
      const out = await job.result
      progress.done()
      writeFileSync(flags.out, `${JSON.stringify(out.file)}\n`)
      const summary = {
        out: flags.out,
        cancelled: out.cancelled,
        bestEpoch: out.bestEpoch,
        epochsRun: out.epochsRun,
        bestValLoss: out.file.training?.bestValLoss ?? null,
        testSegmentsF: out.metrics.testSegments?.f ?? null,
        testSongsF: out.metrics.testSongs?.pooled.f ?? null,
        valSongsF: out.metrics.valSongs?.pooled.f ?? null,
        counts: out.metrics.counts,
        eta: out.file.eta,
        paramCount: out.file.paramCount,
        backend: out.backend.candidate,
        skipped: out.skipped.length,
        seconds: out.ms / 1000,
      }
      if (flags.json) printJson(summary)
      else
        process.stdout.write(
          `saved ${flags.out}${out.cancelled ? ' (cancelled: best model so far)' : ''}: best epoch ${out.bestEpoch}/${out.epochsRun}, ` +
            `test F ${fmt(summary.testSegmentsF)} (segments) / ${fmt(summary.testSongsF)} (whole songs), ${summary.paramCount} parameters, η = ${summary.eta.toPrecision(3)}, ${summary.seconds.toFixed(1)} s on ${summary.backend}\n`,
        )
    } catch (e) {
      progress.done()
      if (e instanceof TrainingJobError && e.userError) throw new UserError(e.message)
      throw e
    } finally {
      process.off('SIGINT', onSigint)
    }
  })
}

const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(3))
