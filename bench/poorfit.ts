/**
 * Calibration of the `poor-fit` warning (run by bench/poorfit.mjs, which bundles this file).
 *
 * Every item of the dev corpus and of each hard variant (bench/make-hard-corpus.mjs) is aligned with
 * its own sequence (must not warn), with the sequences of three other items (the wrong song) and with
 * its own sequence transposed by 2 … 10 semitones (the wrong key; ±1 is the transposition guard's
 * business). The alignment's `fit.shortfall` is recorded. The threshold is chosen on the train/val
 * items only: the largest shortfall of a correct sequence there, rounded up to the next 0.05 (no false
 * alarm on any of them, a margin for recordings harder than the renders); rates are then reported on
 * train/val and, once, on the test items.
 *
 *   node bench/poorfit.mjs [--corpus ../shared/data] [--hard out/hard-corpus] [--threshold x]
 * Writes bench/results/poorfit.json and prints the tables of docs/align.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { analyzeFile, DirectoryFeatureCache } from '../src/backend/features'
import { AlignError, alignChords, defaultAlignOptions } from '../src/core/align'
import { PITCH_NAMES, parseChordsTxt } from '../src/core/chords'

interface Item {
  id: string
  audio: string
  chords: string
  split: string
  duration_s: number
}
interface Case {
  corpus: string
  id: string
  split: string
  kind: 'correct' | 'other-song' | 'transposed'
  detail: string
  shortfall: number
  warned: boolean
}

const root = process.env.CW_BENCH_ROOT ?? resolve(import.meta.dirname, '..')
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1]! : dflt
}
const corpusDir = resolve(root, arg('--corpus', '../shared/data'))
const hardDir = resolve(root, arg('--hard', 'out/hard-corpus'))
const cache = new DirectoryFeatureCache(resolve(root, arg('--cache', 'out/bench-cache')))
const ORDER = ['dev', 'hard', 'vocal', 'drums', 'roomtone', 'crowd', 'fadeout', 'livetempo', 'real']

/** The same label with its root moved k semitones (`Bb:min7/b3` +2 → `C:min7/b3`). */
export function transpose(label: string, k: number): string {
  const m = /^([A-G])([#b]*)(.*)$/.exec(label)
  if (!m) return label // N, X
  const base = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 }[m[1] as 'C']
  const acc = [...m[2]!].reduce((a, c) => a + (c === '#' ? 1 : -1), 0)
  return `${PITCH_NAMES[(((base + acc + k) % 12) + 12) % 12]}${m[3]}`
}

/** POP909 017 and 018 are two arrangements of one song: not "another song" for each other. */
const sameSong = (a: string, b: string) =>
  a === b || (['pop909-017', 'pop909-018'].includes(a) && ['pop909-017', 'pop909-018'].includes(b))

async function corpusCases(name: string, dir: string): Promise<Case[]> {
  const items = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: Item[] }).items
  const seqs = new Map(items.map((it) => [it.id, parseChordsTxt(readFileSync(join(dir, it.chords), 'utf8'))]))
  const out: Case[] = []
  for (const [i, it] of items.entries()) {
    const { chroma } = await analyzeFile(join(dir, it.audio), { pipeline: 'align' }, { cache })
    const run = (kind: Case['kind'], detail: string, seq: string[]) => {
      try {
        const res = alignChords(chroma, seq, { duration: it.duration_s })
        out.push({
          corpus: name,
          id: it.id,
          split: it.split,
          kind,
          detail,
          shortfall: res.fit.shortfall,
          warned: res.warnings.some((w) => w.kind === 'poor-fit'),
        })
      } catch (e) {
        if (!(e instanceof AlignError)) throw e // too many chords for the recording: refused, not scored
      }
    }
    const own = seqs.get(it.id)!
    run('correct', 'own sequence', own)
    // three other items of the same split group (train/val vs test), the next ones in order
    const pool = items.filter((x) => (x.split === 'test') === (it.split === 'test') && !sameSong(x.id, it.id))
    const at = pool.findIndex((x) => x.id > it.id)
    for (let j = 0; j < 3 && j < pool.length; j++) {
      const o = pool[(Math.max(0, at) + j) % pool.length]!
      run('other-song', o.id, seqs.get(o.id)!)
    }
    for (let k = 2; k <= 10; k++)
      run(
        'transposed',
        `+${k}`,
        own.map((l) => transpose(l, k)),
      )
    process.stderr.write(`${name} ${it.id} (${i + 1}/${items.length})\n`)
  }
  return out
}

function rates(cases: Case[], threshold: number) {
  const by = (kind: Case['kind']) => cases.filter((c) => c.kind === kind)
  const frac = (cs: Case[], pred: (c: Case) => boolean) =>
    cs.length ? cs.filter(pred).length / cs.length : Number.NaN
  const correct = by('correct')
  const other = by('other-song')
  const trans = by('transposed')
  return {
    correct: correct.length,
    falseAlarm: frac(correct, (c) => c.shortfall > threshold),
    otherSong: other.length,
    missedOtherSong: frac(other, (c) => c.shortfall <= threshold),
    transposed: trans.length,
    missedTransposed: frac(trans, (c) => c.shortfall <= threshold),
    missedByShift: Object.fromEntries(
      [2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => [
        k,
        frac(
          trans.filter((c) => c.detail === `+${k}`),
          (c) => c.shortfall <= threshold,
        ),
      ]),
    ),
  }
}

async function main() {
  const corpora: [string, string][] = [['dev', corpusDir]]
  if (existsSync(hardDir))
    for (const v of readdirSync(hardDir).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)))
      if (existsSync(join(hardDir, v, 'manifest.json'))) corpora.push([v, join(hardDir, v)])
  const cases: Case[] = []
  for (const [name, dir] of corpora) cases.push(...(await corpusCases(name, dir)))
  const tv = cases.filter((c) => c.split !== 'test')
  const test = cases.filter((c) => c.split === 'test')
  const worstCorrect = Math.max(...tv.filter((c) => c.kind === 'correct').map((c) => c.shortfall))
  const chosen = process.argv.includes('--threshold')
    ? Number(arg('--threshold', '0'))
    : Math.ceil((worstCorrect + 1e-9) / 0.05) * 0.05
  const table = (cs: Case[]) =>
    ['all', ...corpora.map(([n]) => n)].map((n) => ({
      corpus: n,
      ...rates(
        cs.filter((c) => n === 'all' || c.corpus === n),
        chosen,
      ),
    }))
  const quant = (xs: number[], q: number) => {
    const v = [...xs].sort((a, b) => a - b)
    return v[Math.min(v.length - 1, Math.floor(q * (v.length - 1)))]!
  }
  const dist = (cs: Case[]) =>
    Object.fromEntries(
      (['correct', 'other-song', 'transposed'] as const).map((k) => {
        const xs = cs.filter((c) => c.kind === k).map((c) => c.shortfall)
        return [
          k,
          {
            n: xs.length,
            min: quant(xs, 0),
            p05: quant(xs, 0.05),
            median: quant(xs, 0.5),
            p95: quant(xs, 0.95),
            max: quant(xs, 1),
          },
        ]
      }),
    )
  const result = {
    date: new Date().toISOString(),
    rule: 'threshold = largest train/val correct-sequence shortfall, rounded up to 0.05',
    worstCorrectTrainVal: worstCorrect,
    threshold: chosen,
    defaultInCode: defaultAlignOptions.poorFitMargin,
    distribution: { trainVal: dist(tv), test: dist(test) },
    trainVal: table(tv),
    test: table(test),
    cases,
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  writeFileSync(join(root, 'bench/results/poorfit.json'), `${JSON.stringify(result, null, 1)}\n`)
  const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)} %`)
  const lines = [
    `threshold ${chosen.toFixed(2)} (worst correct train/val shortfall ${worstCorrect.toFixed(3)}; code default ${defaultAlignOptions.poorFitMargin})`,
  ]
  for (const [label, t] of [
    ['train/val', result.trainVal],
    ['test', result.test],
  ] as const) {
    lines.push(`\n**${label}**\n`)
    lines.push(
      '| corpus | correct: false alarms | other song: missed | transposed 2–10: missed | missed per shift 2…10 |',
    )
    lines.push('|---|---|---|---|---|')
    for (const r of t)
      lines.push(
        `| ${r.corpus} | ${pct(r.falseAlarm)} of ${r.correct} | ${pct(r.missedOtherSong)} of ${r.otherSong} | ${pct(r.missedTransposed)} of ${r.transposed} | ${Object.values(
          r.missedByShift,
        )
          .map((x) => (Number.isNaN(x) ? '–' : (100 * x).toFixed(0)))
          .join(' ')} |`,
      )
  }
  lines.push('\nshortfall distribution (min / p05 / median / p95 / max)')
  for (const [label, d] of Object.entries(result.distribution))
    for (const [k, v] of Object.entries(d))
      lines.push(
        `${label} ${k} (${v.n}): ${[v.min, v.p05, v.median, v.p95, v.max].map((x) => x.toFixed(3)).join(' / ')}`,
      )
  process.stdout.write(`${lines.join('\n')}\n`)
}

await main()
