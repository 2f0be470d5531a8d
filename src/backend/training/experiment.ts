/**
 * `experiment seed-table`: the seed's Table 4.1 (BCE on strong targets; soft-DTW with uniform / last
 * padding at soft lengths 16 and 75) plus CTC, CCE, stabilised soft-DTW, training from typed sequences
 * only, and larger models, several seeds each, under the report's protocol (batch 5, γ = 1) and the
 * author's (one batch, γ = 0.3). Scores: test F on 150-frame test segments (the seed's protocol) and on
 * whole held-out recordings, against untrained binary templates.
 */
import {
  classDistribution,
  createModel,
  cutSegments,
  evaluateItems,
  evaluateRecordings,
  type FrameScores,
  PRESETS,
  padSequence,
  type Recording,
  type TrainOptions,
} from '../../core/model'
import type { TfBackendPreference } from '../tf-backend'
import type { TrainingOutcome, TrainingRequest } from './session'

/** One row of the experiment. */
export interface ExperimentConfig {
  id: string
  /** Table block: the seed's rows, extra losses, larger models, the author's protocol. */
  block: 'seed-table' | 'extra' | 'variants' | 'author'
  /** Loss description. */
  label: string
  /** Target length / original length as the seed writes it. */
  target: string
  targets: 'lab' | 'chords'
  options: Partial<TrainOptions>
  /** The seed report's Table 4.1 numbers for this row. */
  seed?: { f: number; epochs: number }
  /** Deterministic under every seed (full batch, binary init): run once. */
  once?: boolean
}

const paper = PRESETS.paper
const author = PRESETS.author
const stab = PRESETS.stabilised

/** The experiment's rows. */
export function seedTableConfigs(): ExperimentConfig[] {
  const sd = (pad: 'uniform' | 'last', L: number) => ({ loss: 'sdtw' as const, pad, softLength: L })
  return [
    {
      id: 'bce',
      block: 'seed-table',
      label: 'Binary cross-entropy',
      target: '150/150',
      targets: 'lab',
      options: { ...paper, loss: 'bce' },
      seed: { f: 0.765, epochs: 50 },
    },
    {
      id: 'sdtw-uniform-16',
      block: 'seed-table',
      label: 'Soft-DTW (uniform)',
      target: '16/150',
      targets: 'lab',
      options: { ...paper, ...sd('uniform', 16) },
      seed: { f: 0.761, epochs: 200 },
    },
    {
      id: 'sdtw-uniform-75',
      block: 'seed-table',
      label: 'Soft-DTW (uniform)',
      target: '75/150',
      targets: 'lab',
      options: { ...paper, ...sd('uniform', 75) },
      seed: { f: 0.761, epochs: 200 },
    },
    {
      id: 'sdtw-last-16',
      block: 'seed-table',
      label: 'Soft-DTW (last)',
      target: '16/150',
      targets: 'lab',
      options: { ...paper, ...sd('last', 16) },
      seed: { f: 0.761, epochs: 200 },
    },
    {
      id: 'sdtw-last-75',
      block: 'seed-table',
      label: 'Soft-DTW (last)',
      target: '75/150',
      targets: 'lab',
      options: { ...paper, ...sd('last', 75) },
      seed: { f: 0.681, epochs: 200 },
    },
    {
      id: 'cce',
      block: 'extra',
      label: 'Categorical cross-entropy',
      target: '150/150',
      targets: 'lab',
      options: { ...paper, loss: 'cce' },
    },
    {
      id: 'ctc-blank',
      block: 'extra',
      label: 'CTC (learned blank)',
      target: 'dedup/150',
      targets: 'lab',
      options: { ...paper, loss: 'ctc', ctcBlank: true },
    },
    {
      id: 'ctc-noblank',
      block: 'extra',
      label: 'CTC (no blank, stay/advance)',
      target: 'dedup/150',
      targets: 'lab',
      options: { ...paper, loss: 'ctc', ctcBlank: false },
    },
    {
      id: 'sdtw-stab-16',
      block: 'extra',
      label: 'Soft-DTW stabilised (γ 10→0.1, prior, ÷N, uniform)',
      target: '16/150',
      targets: 'lab',
      options: { ...stab, ...sd('uniform', 16) },
    },
    {
      id: 'sdtw-stab-unfold',
      block: 'extra',
      label: 'Soft-DTW stabilised, sequence unfolding',
      target: '150/150',
      targets: 'lab',
      options: { ...stab, loss: 'sdtw', pad: 'unfold' },
    },
    {
      id: 'typed-sdtw',
      block: 'extra',
      label: 'Soft-DTW stabilised, whole songs from .chords.txt (no .lab)',
      target: 'dedup/song',
      targets: 'chords',
      options: { ...stab, loss: 'sdtw', pad: 'none' },
    },
    {
      id: 'typed-ctc',
      block: 'extra',
      label: 'CTC (no blank), whole songs from .chords.txt (no .lab)',
      target: 'dedup/song',
      targets: 'chords',
      options: { ...paper, loss: 'ctc', ctcBlank: false },
    },
    {
      id: 'unshared-bce',
      block: 'variants',
      label: 'Unshared templates (289 params), BCE',
      target: '150/150',
      targets: 'lab',
      options: { ...paper, loss: 'bce', model: { kind: 'dchord-unshared' } },
    },
    {
      id: 'unshared-sdtw-16',
      block: 'variants',
      label: 'Unshared templates (289 params), soft-DTW uniform',
      target: '16/150',
      targets: 'lab',
      options: { ...paper, ...sd('uniform', 16), model: { kind: 'dchord-unshared' } },
    },
    {
      id: 'conv-bce',
      block: 'variants',
      label: 'Conv K=9 H=16 (2 153 params), BCE, α = 0.003',
      target: '150/150',
      targets: 'lab',
      options: { ...paper, loss: 'bce', learningRate: 0.003, model: { kind: 'conv' } },
    },
    {
      id: 'conv-sdtw-16',
      block: 'variants',
      label: 'Conv K=9 H=16 (2 153 params), soft-DTW uniform, α = 0.003',
      target: '16/150',
      targets: 'lab',
      options: { ...paper, ...sd('uniform', 16), learningRate: 0.003, model: { kind: 'conv' } },
    },
    {
      id: 'author-bce',
      block: 'author',
      label: 'Binary cross-entropy',
      target: '150/150',
      targets: 'lab',
      options: { ...author, loss: 'bce' },
      seed: { f: 0.765, epochs: 50 },
      once: true,
    },
    {
      id: 'author-sdtw-uniform-16',
      block: 'author',
      label: 'Soft-DTW (uniform)',
      target: '16/150',
      targets: 'lab',
      options: { ...author, ...sd('uniform', 16) },
      seed: { f: 0.761, epochs: 200 },
      once: true,
    },
    {
      id: 'author-sdtw-uniform-75',
      block: 'author',
      label: 'Soft-DTW (uniform)',
      target: '75/150',
      targets: 'lab',
      options: { ...author, ...sd('uniform', 75) },
      seed: { f: 0.761, epochs: 200 },
      once: true,
    },
    {
      id: 'author-sdtw-last-16',
      block: 'author',
      label: 'Soft-DTW (last)',
      target: '16/150',
      targets: 'lab',
      options: { ...author, ...sd('last', 16) },
      seed: { f: 0.761, epochs: 200 },
      once: true,
    },
    {
      id: 'author-sdtw-last-75',
      block: 'author',
      label: 'Soft-DTW (last)',
      target: '75/150',
      targets: 'lab',
      options: { ...author, ...sd('last', 75) },
      seed: { f: 0.681, epochs: 200 },
      once: true,
    },
  ]
}

/** The result of one run. */
export interface RunRecord {
  config: string
  seed: number
  bestEpoch: number
  epochsRun: number
  testSegmentsF: number | null
  testSongsF: number | null
  valSongsF: number | null
  /** Whole-song test F per corpus group (`synth`, `pop909`). */
  groupF: Record<string, number>
  eta: number
  paramCount: number
  templates: number[][]
  trainLoss: number[]
  valLoss: (number | null)[]
  /** [s] */
  seconds: number
  backend: string
  engine: string | null
}

/** How runs are executed (in-process, or on worker threads). */
export type RunTraining = (request: TrainingRequest) => Promise<TrainingOutcome>

/** Options of the experiment. */
export interface ExperimentOptions {
  recordings: Recording[]
  fingerprint: string
  source: string
  /** Seeds per configuration. Default [0, 1, 2]. */
  seeds: number[]
  /** Epochs per run. Default 200. */
  epochs: number
  /** Runs at the same time. Default 1. */
  jobs: number
  backend: TfBackendPreference
  /** Only these configuration ids (default all). */
  only: string[] | null
  /** Runs already done (resume): kept, not re-run. */
  previous: RunRecord[]
  run: RunTraining
  onRun?: (r: RunRecord, done: number, total: number) => void
  onError?: (config: string, seed: number, message: string) => void
}

function groupScores(o: TrainingOutcome): Record<string, number> {
  const by = new Map<string, FrameScores[]>()
  for (const r of o.metrics.testSongs?.perRecording ?? []) {
    const g = r.group ?? ''
    by.set(g, [...(by.get(g) ?? []), r.scores])
  }
  const out: Record<string, number> = {}
  for (const [g, list] of by) {
    const tp = list.reduce((a, s) => a + s.tp, 0)
    const e = list.reduce((a, s) => a + s.estimated, 0)
    const rr = list.reduce((a, s) => a + s.reference, 0)
    out[g] = tp === 0 ? 0 : (2 * tp) / (e + rr)
  }
  return out
}

/** Run every configuration × seed (skipping those in `previous`). */
export async function runSeedTable(
  o: ExperimentOptions,
): Promise<{ runs: RunRecord[]; errors: { config: string; seed: number; message: string }[] }> {
  const configs = seedTableConfigs().filter((c) => !o.only || o.only.includes(c.id))
  const done = new Map(o.previous.map((r) => [`${r.config}#${r.seed}`, r]))
  const tasks: { c: ExperimentConfig; seed: number }[] = []
  for (const c of configs) for (const seed of c.once ? [o.seeds[0] ?? 0] : o.seeds) tasks.push({ c, seed })
  const runs: RunRecord[] = []
  const errors: { config: string; seed: number; message: string }[] = []
  let next = 0
  let finished = 0
  const worker = async () => {
    while (next < tasks.length) {
      const { c, seed } = tasks[next++]!
      const prev = done.get(`${c.id}#${seed}`)
      if (prev) {
        runs.push(prev)
        finished++
        continue
      }
      const request: TrainingRequest = {
        data: { recordings: o.recordings, fingerprint: o.fingerprint, source: o.source },
        targets: c.targets,
        segment: { length: 150 },
        options: { ...c.options, epochs: o.epochs, seed },
        backend: o.backend,
        name: `${c.id} seed ${seed}`,
      }
      try {
        const out = await o.run(request)
        const rec: RunRecord = {
          config: c.id,
          seed,
          bestEpoch: out.bestEpoch,
          epochsRun: out.epochsRun,
          testSegmentsF: out.metrics.testSegments?.f ?? null,
          testSongsF: out.metrics.testSongs?.pooled.f ?? null,
          valSongsF: out.metrics.valSongs?.pooled.f ?? null,
          groupF: groupScores(out),
          eta: out.file.eta,
          paramCount: out.file.paramCount,
          templates: templatesOf(out),
          trainLoss: out.trainLoss,
          valLoss: out.valLoss,
          seconds: out.ms / 1000,
          backend: out.backend.candidate,
          engine: out.file.training?.engine ?? null,
        }
        runs.push(rec)
        finished++
        o.onRun?.(rec, finished, tasks.length)
      } catch (e) {
        finished++
        const message = (e as Error).message ?? String(e)
        errors.push({ config: c.id, seed, message })
        o.onError?.(c.id, seed, message)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker))
  const order = new Map(tasks.map((t, i) => [`${t.c.id}#${t.seed}`, i]))
  runs.sort((a, b) => order.get(`${a.config}#${a.seed}`)! - order.get(`${b.config}#${b.seed}`)!)
  return { runs, errors }
}

/** The effective 24×12 templates of a trained model file. */
function templatesOf(out: TrainingOutcome): number[][] {
  const model = createModel(out.file.config)
  model.setWeights(out.file.weights)
  const t = model.templates()
  model.dispose()
  return t
}

/** Mean and sample standard deviation. */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n }
  const mean = values.reduce((a, b) => a + b, 0) / n
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0
  return { mean, std, n }
}

/** Per-configuration summary. */
export interface ConfigSummary {
  config: ExperimentConfig
  runs: number
  testSegmentsF: { mean: number; std: number }
  testSongsF: { mean: number; std: number }
  valSongsF: { mean: number; std: number }
  groupF: Record<string, { mean: number; std: number }>
  bestEpoch: { mean: number; std: number }
  eta: { mean: number; std: number }
  paramCount: number
  seconds: number
}

/** Aggregate runs per configuration. */
export function summarize(runs: readonly RunRecord[]): ConfigSummary[] {
  const out: ConfigSummary[] = []
  for (const c of seedTableConfigs()) {
    const rs = runs.filter((r) => r.config === c.id)
    if (rs.length === 0) continue
    const ms = (f: (r: RunRecord) => number | null) => {
      const v = meanStd(rs.map(f).filter((x): x is number => x !== null))
      return { mean: v.mean, std: v.std }
    }
    const groups = [...new Set(rs.flatMap((r) => Object.keys(r.groupF)))]
    out.push({
      config: c,
      runs: rs.length,
      testSegmentsF: ms((r) => r.testSegmentsF),
      testSongsF: ms((r) => r.testSongsF),
      valSongsF: ms((r) => r.valSongsF),
      groupF: Object.fromEntries(groups.map((g) => [g, ms((r) => r.groupF[g] ?? null)])),
      bestEpoch: ms((r) => r.bestEpoch),
      eta: ms((r) => r.eta),
      paramCount: rs[0]!.paramCount,
      seconds: rs.reduce((a, r) => a + r.seconds, 0),
    })
  }
  return out
}

/** Scores of the untrained binary-template model (η = 1). */
export function baselineScores(recordings: readonly Recording[]): {
  testSegmentsF: number
  testSongsF: number
  valSongsF: number
  groupF: Record<string, number>
} {
  const model = createModel({ kind: 'dchord', init: 'binary' })
  const test = recordings.filter((r) => r.split === 'test')
  const val = recordings.filter((r) => r.split === 'val')
  const seg = evaluateItems(
    model,
    test.flatMap((r) => cutSegments(r, { length: 150 })),
  ).pooled.f
  const songs = evaluateRecordings(model, test)
  const groupF: Record<string, number> = {}
  for (const g of new Set(test.map((r) => r.group ?? ''))) {
    const list = songs.perRecording.filter((r) => (r.group ?? '') === g).map((r) => r.scores)
    const tp = list.reduce((a, s) => a + s.tp, 0)
    groupF[g] = tp === 0 ? 0 : (2 * tp) / list.reduce((a, s) => a + s.estimated + s.reference, 0)
  }
  const out = {
    testSegmentsF: seg,
    testSongsF: songs.pooled.f,
    valSongsF: evaluateRecordings(model, val).pooled.f,
    groupF,
  }
  model.dispose()
  return out
}

/** Class distributions of the training targets (seed Tables 4.2 / 4.3). */
export function targetDistributions(
  recordings: readonly Recording[],
): { name: string; major: number; minor: number; noChord: number; excluded: number; total: number }[] {
  const items = recordings.filter((r) => r.split === 'train').flatMap((r) => cutSegments(r, { length: 150 }))
  const rows: { name: string; seqs: number[][] }[] = [
    { name: 'strong (150)', seqs: items.map((i) => Array.from(i.strong!)) },
    { name: 'soft "0" (no padding)', seqs: items.map((i) => i.coarse) },
    { name: 'soft 16, uniform', seqs: items.map((i) => padSequence(i.coarse, 16, 'uniform')) },
    { name: 'soft 75, uniform', seqs: items.map((i) => padSequence(i.coarse, 75, 'uniform')) },
    { name: 'soft 16, last', seqs: items.map((i) => padSequence(i.coarse, 16, 'last')) },
    { name: 'soft 75, last', seqs: items.map((i) => padSequence(i.coarse, 75, 'last')) },
  ]
  return rows.map((r) => ({ name: r.name, ...classDistribution(r.seqs) }))
}

/** Lengths of the coarse sequences of the training segments (how often a soft length is exceeded). */
export function coarseLengths(recordings: readonly Recording[]): {
  segments: number
  mean: number
  max: number
  over16: number
  over75: number
} {
  const ks = recordings
    .filter((r) => r.split === 'train')
    .flatMap((r) => cutSegments(r, { length: 150 }))
    .map((i) => i.coarse.length)
  return {
    segments: ks.length,
    mean: ks.reduce((a, b) => a + b, 0) / Math.max(1, ks.length),
    max: Math.max(0, ...ks),
    over16: ks.filter((k) => k > 16).length,
    over75: ks.filter((k) => k > 75).length,
  }
}
