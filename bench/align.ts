/**
 * Alignment quality and speed benchmark (run by bench/align.mjs, which bundles this file).
 *
 * Quality: every test item of the dev corpus (and of the harder copy from bench/make-hard-corpus.mjs)
 * is aligned with its `.chords.txt` and scored against its `.lab` (mir_eval majmin WCSR, median
 * paired boundary deviation), per source; ablations switch off one ingredient at a time; recognition
 * (template + HMM) is scored on the same items.
 * Speed: a synthetic 5-minute, 120-chord song at the `align` frame rate, against the textbook
 * explicit-duration recursion (O(K·n·Dmax), Dmax = 6 medians) on the same problem in the same run.
 *
 * `--model m.json [--model-name NAME]`: instead, template vs trained-model emissions on the same items
 * (forced alignment and recognition, dev and hard corpus), written to bench/results/align-model-<model>.json.
 * The model reads the `fmp` chroma (≈ 10.77 frames/s) tuned like the `align` chroma (`modelChromaOptions`;
 * `--model-untuned`: libfmp's tuning 0, written to align-model-<model>-untuned.json); its probabilities are resampled onto the
 * `align` chroma's grid (≈ 21.5 frames/s, frames centred at t·hop/sr) as the app does.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { analyzeFile, DirectoryFeatureCache } from '../src/backend/features'
import { loadModel, modelChromaOptions, modelProbabilitiesOn, readModelFile } from '../src/backend/inference'
import { type AlignOptions, alignChords, type ChromaInput, recognizeChords } from '../src/core/align'
import { durationKernel } from '../src/core/align/duration'
import { type HsmmProblem, hsmmViterbi } from '../src/core/align/hsmm'
import { parseChordsTxt, parseLabStrict } from '../src/core/chords'
import { type AnnotationReport, corpusReport, evaluateAnnotation } from '../src/core/eval'
import { rng, synthChroma } from '../tests/helpers/synthChroma'

interface Item {
  id: string
  audio: string
  lab: string
  chords: string
  split: string
  duration_s: number
}

const root = process.env.CW_BENCH_ROOT ?? resolve(import.meta.dirname, '..')
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1]! : dflt
}
const corpusDir = resolve(root, arg('--corpus', '../shared/data'))
const hardDir = resolve(root, arg('--hard', 'out/hard-corpus'))
const split = arg('--split', 'test')
const splits = split.split(',')
const skipSpeed = process.argv.includes('--no-speed')
const resultFile = arg('--out', 'bench/results/align.json')
const reps = Number(arg('--reps', '15'))
const cache = new DirectoryFeatureCache(resolve(root, arg('--cache', 'out/bench-cache')))

const VARIANT_ORDER = ['hard', 'vocal', 'drums', 'roomtone', 'crowd', 'fadeout', 'livetempo', 'real']

const source = (id: string) =>
  id === 'synth10' ? 'synth10 (detuned)' : id.startsWith('pop909') ? 'POP909' : 'synth'

async function recording(
  dir: string,
  it: Item,
): Promise<{ chroma: ChromaInput & { tuningCents: number }; duration: number }> {
  const r = await analyzeFile(join(dir, it.audio), { pipeline: 'align' }, { cache })
  return { chroma: r.chroma, duration: it.duration_s }
}

const BEFORE = 'before (flatness only, no onset snap)'
const VARIANTS: Record<string, AlignOptions> = {
  default: {},
  [BEFORE]: { onsetSnap: false, emission: { useLevel: false } },
  'no onset snap': { onsetSnap: false },
  'no level (flatness only)': { emission: { useLevel: false } },
  'no transposition guard': { transpositionGuard: false },
  'no leading/trailing N': { leadingN: false, trailingN: false },
  'no bass term': { emission: { bassWeight: 0 } },
  'no open ends': { openEnds: false },
}

interface Row {
  source: string
  items: number
  minutes: number
  majmin: number
  root: number
  mirex: number
  seg: number
  pairedDeviation: number | null
  boundaryDeviation: number
}

function rows(reports: { id: string; rep: AnnotationReport }[]): Row[] {
  const groups = new Map<string, AnnotationReport[]>()
  for (const { id, rep } of reports) {
    for (const g of [source(id), 'all']) groups.set(g, [...(groups.get(g) ?? []), rep])
  }
  const order = ['synth', 'synth10 (detuned)', 'POP909', 'all']
  return [...groups]
    .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
    .map(([g, reps]) => {
      const t = corpusReport(reps)
      return {
        source: g,
        items: reps.length,
        minutes: t.chords.duration / 60,
        majmin: t.chords.wcsr.majmin,
        root: t.chords.wcsr.root,
        mirex: t.chords.wcsr.mirex,
        seg: t.chords.seg,
        pairedDeviation: t.pairedDeviation,
        boundaryDeviation: t.boundaryDeviation,
      }
    })
}

async function quality(dir: string, label: string) {
  if (!existsSync(join(dir, 'manifest.json'))) {
    process.stderr.write(`bench/align: ${dir}/manifest.json missing, skipping ${label}\n`)
    return null
  }
  const items = (
    JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: Item[] }
  ).items.filter((it) => splits.includes('all') || splits.includes(it.split))
  const byVariant: Record<string, { id: string; rep: AnnotationReport }[]> = {}
  const recog: { id: string; rep: AnnotationReport }[] = []
  const warnings: Record<string, number> = {}
  const alignMs: number[] = []
  const fits: { id: string; shortfall: number; aligned: number; recognized: number }[] = []
  for (const it of items) {
    const { chroma, duration } = await recording(dir, it)
    const seq = parseChordsTxt(readFileSync(join(dir, it.chords), 'utf8'))
    const ref = parseLabStrict(readFileSync(join(dir, it.lab), 'utf8'))
    for (const [name, opts] of Object.entries(VARIANTS)) {
      const t0 = performance.now()
      const res = alignChords(chroma, seq, { ...opts, duration })
      if (name === 'default') {
        alignMs.push(performance.now() - t0)
        for (const w of res.warnings) warnings[w.kind] = (warnings[w.kind] ?? 0) + 1
        fits.push({ id: it.id, ...res.fit })
      }
      ;(byVariant[name] ??= []).push({ id: it.id, rep: evaluateAnnotation(ref, res.segments) })
    }
    const rec = recognizeChords(chroma, { duration })
    recog.push({ id: it.id, rep: evaluateAnnotation(ref, rec.segments) })
    process.stderr.write(
      `${label} ${it.id}: majmin ${byVariant.default!.at(-1)!.rep.chords.scores.majmin.toFixed(3)}\n`,
    )
  }
  return {
    corpus: label,
    split,
    alignment: rows(byVariant.default!),
    ablations: Object.fromEntries(
      Object.entries(byVariant).map(([k, v]) => [k, rows(v).find((r) => r.source === 'all')]),
    ),
    recognition: rows(recog),
    warnings,
    fits,
    alignMsPerItem: alignMs,
  }
}

/** The textbook explicit-duration recursion, O(K·n·Dmax), as the speed reference. */
function textbookViterbi(p: HsmmProblem, dMax: number): number {
  const { n, cum, kernel: L } = p
  const K = cum.length
  let prev = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY)
  for (let s = 0; s <= n; s++) prev[s] = p.cumN![s]! - (s > 0 ? p.nPenalty : 0)
  const arg = new Int32Array(K * (n + 1))
  for (let k = 0; k < K; k++) {
    const S = cum[k]!
    const cur = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY)
    for (let t = 1; t <= n; t++) {
      let best = Number.NEGATIVE_INFINITY
      let at = 0
      for (let s = Math.max(0, t - dMax); s < t; s++) {
        const v = prev[s]! - S[s]! + L[t - s]!
        if (v > best) {
          best = v
          at = s
        }
      }
      cur[t] = best + S[t]!
      arg[k * (n + 1) + t] = at
    }
    prev = cur
  }
  let best = Number.NEGATIVE_INFINITY
  for (let t = 0; t <= n; t++)
    best = Math.max(best, prev[t]! + p.cumN![n]! - p.cumN![t]! - (t < n ? p.nPenalty : 0))
  return best
}

function speed() {
  const r = rng(5)
  const pool = ['C:maj', 'G:maj', 'A:min', 'F:maj', 'E:min', 'D:min7', 'G:7', 'C:maj/3', 'Bb:maj', 'A:min7']
  const fr = 22050 / 1024
  const T = Math.round(300 * fr)
  const parts = [{ label: 'N', frames: 40 }]
  const seq: string[] = []
  let used = 40
  for (let k = 0; k < 120; k++) {
    let l = pool[Math.floor(r() * pool.length)]!
    while (l === seq[seq.length - 1]) l = pool[Math.floor(r() * pool.length)]!
    seq.push(l)
    const f = k === 119 ? T - used - 30 : Math.round(((T - 70) / 120) * (0.5 + r()))
    parts.push({ label: l, frames: f })
    used += f
  }
  parts.push({ label: 'N', frames: 30 })
  const ch = synthChroma(parts, { noise: 0.5, frameRate: fr })
  const time = (f: () => void) => {
    const ms: number[] = []
    for (let i = 0; i < reps; i++) {
      const c0 = process.cpuUsage()
      f()
      ms.push(process.cpuUsage(c0).user / 1000)
    }
    ms.sort((a, b) => a - b)
    return { min: ms[0]!, median: ms[ms.length >> 1]! }
  }
  const full = time(() => alignChords(ch, seq))
  const noGuard = time(() => alignChords(ch, seq, { transpositionGuard: false }))
  // one Viterbi pass: ours against the textbook recursion, same problem
  const cum = seq.map((_, k) => {
    const c = new Float64Array(ch.frames + 1)
    for (let t = 0; t < ch.frames; t++) c[t + 1] = c[t]! + ch.data[t * 12 + (k % 12)]!
    return c
  })
  const n = ch.frames
  const p: HsmmProblem = {
    n,
    cum,
    cumN: cum[0]!,
    kernel: durationKernel(n / 120, n),
    leadN: true,
    trailN: true,
    nPenalty: 2,
  }
  const ours = time(() => hsmmViterbi(p))
  const dMax = Math.ceil((6 * n) / 120)
  const c0 = process.cpuUsage()
  const refScore = textbookViterbi(p, dMax)
  const textbook = process.cpuUsage(c0).user / 1000
  const oursScore = hsmmViterbi(p).score
  return {
    case: `synthetic, ${(n / fr / 60).toFixed(1)} min at ${fr.toFixed(2)} frames/s (${n} frames), 120 chords`,
    alignMs: full,
    alignNoGuardMs: noGuard,
    viterbiMs: ours,
    textbookViterbiMs: textbook,
    textbookDmax: dMax,
    speedup: textbook / ours.min,
    scoreCheck: { ours: oursScore, textbookCapped: refScore },
  }
}

function fmt(x: number | null, d = 3) {
  return x === null || Number.isNaN(x) ? '–' : x.toFixed(d)
}

/** Template vs model emissions on the same items (`--model`). */
/** `--model-evidence W`: the aligner's modelEvidencePerSecond (default: the aligner's own). */
const evidence = Number(arg('--model-evidence', '-1'))
/** `--model-untuned`: the model reads libfmp's untuned chroma (tuning 0), as before tuning compensation. */
const untuned = process.argv.includes('--model-untuned')

async function modelQuality(dir: string, label: string, modelPath: string) {
  if (!existsSync(join(dir, 'manifest.json'))) {
    process.stderr.write(`bench/align: ${dir}/manifest.json missing, skipping ${label}\n`)
    return null
  }
  const model = await loadModel(readModelFile(modelPath))
  const items = (
    JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: Item[] }
  ).items.filter((it) => splits.includes('all') || splits.includes(it.split))
  const out: Record<string, { id: string; rep: AnnotationReport }[]> = {}
  const push = (k: string, id: string, rep: AnnotationReport) => (out[k] ??= []).push({ id, rep })
  for (const it of items) {
    const { chroma, duration } = await recording(dir, it)
    // the model reads fmp chroma tuned like the templates' align chroma (--model-untuned: libfmp's tuning 0)
    const fmpOptions = untuned ? { pipeline: 'fmp' as const } : modelChromaOptions(chroma.tuningCents)
    const fmp = (await analyzeFile(join(dir, it.audio), fmpOptions, { cache })).chroma
    const p = modelProbabilitiesOn(model, fmp, chroma)
    const probs = { data: p.data, classes: p.classes }
    const seq = parseChordsTxt(readFileSync(join(dir, it.chords), 'utf8'))
    const ref = parseLabStrict(readFileSync(join(dir, it.lab), 'utf8'))
    push('align, templates', it.id, evaluateAnnotation(ref, alignChords(chroma, seq, { duration }).segments))
    const mo = { duration, model: probs, ...(evidence > 0 ? { modelEvidencePerSecond: evidence } : {}) }
    push('align, model', it.id, evaluateAnnotation(ref, alignChords(chroma, seq, mo).segments))
    push(
      'recognize, templates',
      it.id,
      evaluateAnnotation(ref, recognizeChords(chroma, { duration }).segments),
    )
    push(
      'recognize, model',
      it.id,
      evaluateAnnotation(ref, recognizeChords(chroma, { duration, model: probs }).segments),
    )
    process.stderr.write(
      `${label} ${it.id}: align majmin templates ${out['align, templates']!.at(-1)!.rep.chords.scores.majmin.toFixed(3)} model ${out['align, model']!.at(-1)!.rep.chords.scores.majmin.toFixed(3)}\n`,
    )
  }
  model.dispose()
  return { corpus: label, split, rows: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, rows(v)])) }
}

async function modelMain(modelPath: string) {
  const name = arg('--model-name', modelPath)
  const dev = await modelQuality(corpusDir, 'dev', modelPath)
  // the `hard` variant of bench/make-hard-corpus.mjs, or an old single-folder copy
  const hardCopy = existsSync(join(hardDir, 'manifest.json')) ? hardDir : join(hardDir, 'hard')
  const hard = await modelQuality(hardCopy, 'hard', modelPath)
  const result = {
    date: new Date().toISOString(),
    model: name,
    modelChroma: untuned ? 'fmp, tuning 0 (libfmp)' : 'fmp, tuned like the align chroma',
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`,
    node: process.version,
    dev,
    hard,
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  const stem = basename(modelPath).replace(/\.json$/i, '') + (untuned ? '-untuned' : '')
  writeFileSync(join(root, `bench/results/align-model-${stem}.json`), `${JSON.stringify(result, null, 1)}\n`)
  const lines: string[] = []
  for (const q of [dev, hard]) {
    if (!q) continue
    lines.push(`\n**Template vs model emissions, ${q.corpus} corpus (${q.split} split), model ${name}**\n`)
    lines.push('| emissions | source | items | majmin WCSR | median boundary dev. (s) |')
    lines.push('|---|---|---|---|---|')
    for (const [k, rs] of Object.entries(q.rows))
      for (const r of rs)
        lines.push(
          `| ${k} | ${r.source} | ${r.items} | ${fmt(r.majmin)} | ${k.startsWith('align') ? fmt(r.pairedDeviation) : '–'} |`,
        )
  }
  process.stdout.write(`${lines.join('\n')}\n`)
}

async function main() {
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim()
    } catch {
      return 'unknown'
    }
  })()
  const dev = await quality(corpusDir, 'dev')
  // every variant of the hard corpus (bench/make-hard-corpus.mjs), or an old single-folder copy
  const variantDirs = existsSync(join(hardDir, 'manifest.json'))
    ? [['hard', hardDir] as const]
    : (existsSync(hardDir) ? readdirSync(hardDir) : [])
        .filter((v) => existsSync(join(hardDir, v, 'manifest.json')))
        .sort((a, b) => VARIANT_ORDER.indexOf(a) - VARIANT_ORDER.indexOf(b))
        .map((v) => [v, join(hardDir, v)] as const)
  const hardVariants: Record<string, Awaited<ReturnType<typeof quality>>> = {}
  for (const [v, d] of variantDirs) hardVariants[v] = await quality(d, v)
  const hard = hardVariants.hard ?? null
  const sp = skipSpeed ? null : speed()
  const result = {
    date: new Date().toISOString(),
    commit,
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`,
    loadAverage: os.loadavg(),
    node: process.version,
    dev,
    hard: hardVariants,
    speed: sp,
  }
  mkdirSync(dirname(resolve(root, resultFile)), { recursive: true })
  writeFileSync(resolve(root, resultFile), `${JSON.stringify(result, null, 1)}\n`)
  const lines: string[] = []
  // one row per corpus: default against the flatness-only N detection (before), same run
  const all = (q: typeof dev, v: string) => q?.ablations[v]
  lines.push(`\n**Alignment per corpus variant (${split} split; majmin WCSR / median boundary dev. in s)**\n`)
  lines.push(
    '| corpus | items | default | before (no level, no snap) | no onset snap | no level | no guard | no lead/trail N | recognition majmin |',
  )
  lines.push('|---|---|---|---|---|---|---|---|---|')
  for (const [name, q] of [['dev (clean)', dev] as const, ...Object.entries(hardVariants)]) {
    if (!q) continue
    const cell = (v: string) => {
      const r = all(q, v)
      return r ? `${fmt(r.majmin)} / ${fmt(r.pairedDeviation)}` : '–'
    }
    const rec = q.recognition.find((r) => r.source === 'all')
    lines.push(
      `| ${name} | ${all(q, 'default')?.items ?? 0} | ${cell('default')} | ${cell(BEFORE)} | ${cell('no onset snap')} | ${cell('no level (flatness only)')} | ${cell('no transposition guard')} | ${cell('no leading/trailing N')} | ${fmt(rec?.majmin ?? null)} |`,
    )
  }
  for (const q of [dev, hard]) {
    if (!q) continue
    lines.push(`\n**Alignment, ${q.corpus} corpus (${q.split} split)**\n`)
    lines.push('| source | items | min | majmin WCSR | root | mirex | seg | median boundary dev. (s) |')
    lines.push('|---|---|---|---|---|---|---|---|')
    for (const r of q.alignment)
      lines.push(
        `| ${r.source} | ${r.items} | ${r.minutes.toFixed(1)} | ${fmt(r.majmin)} | ${fmt(r.root)} | ${fmt(r.mirex)} | ${fmt(r.seg)} | ${fmt(r.pairedDeviation)} |`,
      )
    lines.push(`\n**Ablations, ${q.corpus} corpus (all items)**\n`)
    lines.push('| variant | majmin WCSR | median boundary dev. (s) |')
    lines.push('|---|---|---|')
    for (const [k, r] of Object.entries(q.ablations))
      lines.push(`| ${k} | ${fmt(r!.majmin)} | ${fmt(r!.pairedDeviation)} |`)
    lines.push(`\n**Recognition (template + HMM, p = 0.15), ${q.corpus} corpus**\n`)
    lines.push('| source | majmin WCSR | root | seg |')
    lines.push('|---|---|---|---|')
    for (const r of q.recognition)
      lines.push(`| ${r.source} | ${fmt(r.majmin)} | ${fmt(r.root)} | ${fmt(r.seg)} |`)
  }
  if (sp) speedTable(lines, sp)
  process.stdout.write(
    `${lines.join('\n')}\n\n(${result.machine}, ${result.node}, load ${result.loadAverage.map((x) => x.toFixed(1)).join(' ')}, commit ${commit})\n`,
  )
}

function speedTable(lines: string[], sp: ReturnType<typeof speed>) {
  lines.push(`\n**Speed** (${sp.case}; CPU time, min / median of ${reps} runs)\n`)
  lines.push('| step | ms |')
  lines.push('|---|---|')
  lines.push(
    `| alignChords, all included (guard, posterior, warnings) | ${fmt(sp.alignMs.min, 1)} / ${fmt(sp.alignMs.median, 1)} |`,
  )
  lines.push(
    `| alignChords without the transposition guard | ${fmt(sp.alignNoGuardMs.min, 1)} / ${fmt(sp.alignNoGuardMs.median, 1)} |`,
  )
  lines.push(
    `| one explicit-duration Viterbi pass (Monge D&C) | ${fmt(sp.viterbiMs.min, 1)} / ${fmt(sp.viterbiMs.median, 1)} |`,
  )
  lines.push(
    `| textbook recursion, Dmax = ${sp.textbookDmax} frames (1 run) | ${fmt(sp.textbookViterbiMs, 1)} (×${sp.speedup.toFixed(0)}) |`,
  )
}

const modelArg = process.argv.indexOf('--model')
if (modelArg >= 0) await modelMain(process.argv[modelArg + 1]!)
else await main()
