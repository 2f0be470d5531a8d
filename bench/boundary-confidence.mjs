// Calibration of the aligner's boundary confidences: align every test item of the dev corpus with its
// typed sequence (`chordwarp align --json`, the app's defaults) and tabulate, per confidence band, how
// far the boundaries are from the reference chord changes. The app's bands for boundaries
// (src/renderer/src/state/segments.ts: CHECK_BELOW, DOUBT_BELOW) are read off this table.
//   node bench/boundary-confidence.mjs [--corpus ../shared/data] [--split test]
// Writes bench/results/boundary-confidence[-<corpus folder>].json and prints a Markdown table.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, def) => {
  const k = process.argv.indexOf(name)
  return k >= 0 ? process.argv[k + 1] : def
}
const corpusArg = arg('--corpus', '../shared/data')
const corpus = resolve(root, corpusArg)
// the dev corpus → boundary-confidence.json; another (e.g. out/hard-corpus/real) → boundary-confidence-<folder>.json
const outName =
  corpusArg === '../shared/data'
    ? 'boundary-confidence.json'
    : `boundary-confidence-${corpus.split(/[\\/]/).pop()}.json`
const split = arg('--split', 'test')
execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: root, stdio: 'inherit' })

const items = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')).items.filter(
  (i) => split === 'all' || i.split === split,
)
const rows = []
for (const it of items) {
  const out = execFileSync(
    process.execPath,
    ['bin/chordwarp.js', 'align', join(corpus, it.audio), '--chords-file', join(corpus, it.chords), '--json'],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 },
  )
  const r = JSON.parse(out)
  const ref = readFileSync(join(corpus, it.lab), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .map(([a, b, label]) => ({ start: Number(a), end: Number(b), label }))
    .filter((s) => s.label !== 'N')
  // boundary token k = where chord k starts (k = number of chords: where the last one ends)
  for (const b of r.boundaries) {
    if (b.locked) continue
    const truth = b.token < ref.length ? ref[b.token].start : ref.at(-1).end
    rows.push({ id: it.id, confidence: b.confidence, error: Math.abs(b.time - truth) })
  }
  process.stderr.write(`${it.id}: ${r.boundaries.length} boundaries\n`)
}

const bands = [0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0000001]
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null
}
const table = []
for (let k = 0; k + 1 < bands.length; k++) {
  const sel = rows.filter((r) => r.confidence >= bands[k] && r.confidence < bands[k + 1]).map((r) => r.error)
  if (!sel.length) continue
  table.push({
    band: [bands[k], Math.min(1, bands[k + 1])],
    boundaries: sel.length,
    medianError: median(sel),
    over0_2s: sel.filter((e) => e > 0.2).length / sel.length,
    over0_5s: sel.filter((e) => e > 0.5).length / sel.length,
  })
}
const below = (t) => rows.filter((r) => r.confidence < t)
const above = (t) => rows.filter((r) => r.confidence >= t)
const off = (rs) => (rs.length ? rs.filter((r) => r.error > 0.2).length / rs.length : null)
const summary = [0.3, 0.5, 0.8].map((t) => ({
  threshold: t,
  below: below(t).length,
  belowOver0_2s: off(below(t)),
  atOrAbove: above(t).length,
  atOrAboveOver0_2s: off(above(t)),
}))
const result = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}`,
  corpus: `${corpusArg} (${split} split, ${items.length} items)`,
  boundaries: rows.length,
  table,
  summary,
}
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, 'bench/results', outName), `${JSON.stringify(result, null, 2)}\n`)
const pct = (x) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`)
console.log(`| boundary confidence | boundaries | median error (s) | > 0.2 s off | > 0.5 s off |`)
console.log('|---|---|---|---|---|')
for (const t of table)
  console.log(
    `| ${t.band[0].toFixed(1)}–${t.band[1].toFixed(1)} | ${t.boundaries} | ${t.medianError.toFixed(3)} | ${pct(t.over0_2s)} | ${pct(t.over0_5s)} |`,
  )
console.log('')
for (const s of summary)
  console.log(
    `below ${s.threshold}: ${s.below} boundaries, ${pct(s.belowOver0_2s)} more than 0.2 s off; at or above: ${s.atOrAbove}, ${pct(s.atOrAboveOver0_2s)}`,
  )
