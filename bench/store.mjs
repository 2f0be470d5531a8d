// Store benchmark: a library of 5,000 recordings × 20 revisions (100 segments each), then the
// operations the app does all the time: list/search the library, open one recording with its
// current annotation, save a revision (synchronous FULL vs NORMAL), and import the shared corpus
// (against the time to just hash its files). Writes bench/results/store.json and prints a table.
//
//   node bench/store.mjs [--recordings 5000] [--revisions 20] [--segments 100] [--keep]
import { execSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const N_REC = arg('recordings', 5000)
const N_REV = arg('revisions', 20)
const N_SEG = arg('segments', 100)
const KEEP = process.argv.includes('--keep')
const corpus = process.env.CHORDWARP_CORPUS ?? resolve(root, '../shared/data')

// the store is TypeScript: bundle it once (better-sqlite3 stays external)
const lib = join(root, 'out', 'bench', 'store.mjs')
mkdirSync(dirname(lib), { recursive: true })
await build({
  entryPoints: [join(root, 'src/backend/store/index.ts')],
  outfile: lib,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
const { openStore, importPath } = await import(pathToFileURL(lib).href)

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b)
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))]
  return { median: q(0.5), p95: q(0.95), min: s[0], runs: s.length }
}
function time(runs, fn) {
  const ms = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn(i)
    ms.push(performance.now() - t0)
  }
  return stats(ms)
}
let seed = 12345
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}
const hash = (s) => createHash('sha256').update(s).digest('hex')

const LABELS = [
  'C:maj',
  'A:min7',
  'F:maj7/3',
  'G:7',
  'E:min/b3',
  'D:sus4(b7)',
  'Bb:hdim7',
  'F#:min',
  'Eb:maj(9)',
  'N',
]
const WORDS = [
  'love',
  'night',
  'blue',
  'river',
  'home',
  'dance',
  'rain',
  'summer',
  'heart',
  'road',
  'fire',
  'moon',
]
const TAGS = ['jazz', 'pop', 'rock', 'folk', 'live', 'studio', 'bootleg', 'demo']
function segments(k) {
  const out = []
  for (let i = 0; i < N_SEG; i++)
    out.push({ start: i * 2.1, end: (i + 1) * 2.1, label: LABELS[(i * 7 + k) % LABELS.length] })
  return out
}

const dir = mkdtempSync(join(tmpdir(), 'cw-bench-store-'))
const db = join(dir, 'library.db')
const results = { params: { recordings: N_REC, revisionsPerRecording: N_REV, segmentsPerRevision: N_SEG } }

// 1. build the big library (bulk: 100 recordings per transaction)
{
  const s = openStore(db)
  const t0 = performance.now()
  for (let r0 = 0; r0 < N_REC; r0 += 100) {
    s.transaction(() => {
      for (let r = r0; r < Math.min(N_REC, r0 + 100); r++) {
        const title = `${WORDS[r % WORDS.length]} ${WORDS[(r * 7) % WORDS.length]} ${r}`
        const rec = s.recordings.add({
          path: `/music/artist ${r % 400}/${title}.flac`,
          hash: hash(`rec${r}`),
          name: `artist ${r % 400} - ${title}`,
          durationS: 120 + (r % 240),
          sampleRate: 44100,
          format: 'flac',
          source: `album ${r % 900}`,
          tags: [TAGS[r % TAGS.length], TAGS[(r * 3 + 1) % TAGS.length]],
        })
        s.sequences.save(rec.id, 'C G Am F', { author: 'bench' })
        for (let v = 0; v < N_REV; v++)
          s.annotations.saveRevision({
            recordingId: rec.id,
            segments: segments(v),
            author: 'bench',
            source: v === 0 ? 'aligned' : 'edited',
          })
      }
    })
  }
  const ms = performance.now() - t0
  s.close()
  results.build = {
    ms,
    revisionsPerSecond: (N_REC * N_REV) / (ms / 1000),
    segmentRowsPerSecond: (N_REC * N_REV * N_SEG) / (ms / 1000),
    bytes: statSync(db).size,
  }
  process.stderr.write(
    `built ${N_REC}×${N_REV}×${N_SEG} in ${(ms / 1000).toFixed(1)} s, ${(statSync(db).size / 2 ** 20).toFixed(0)} MiB\n`,
  )
}

// 2. reads on the big library (reopened: statements prepared at open)
{
  const t0 = performance.now()
  const s = openStore(db)
  results.open = { ms: performance.now() - t0 }
  s.recordings.list({ limit: 1 }) // first use of the list statement
  results.listAll = time(20, () => {
    if (s.recordings.list().length !== N_REC) throw new Error('list')
  })
  // reference: SQLite alone, the same columns as raw arrays, no joins and no objects built
  const bare = s.db
    .prepare(
      'SELECT id, name, path, hash, size_bytes, duration_s, sample_rate, format, collection, source, license, split, added_at, current_revision_id FROM recordings',
    )
    .raw()
  results.listAllBareSelect = time(20, () => bare.all())
  results.listAll.ratioToBareSelect = results.listAll.median / results.listAllBareSelect.median
  results.listPage = time(50, (i) => s.recordings.list({ limit: 100, offset: (i * 100) % N_REC }))
  results.count = time(50, () => s.recordings.count())
  let hits = 0
  results.searchWord = time(20, (i) => {
    hits = s.recordings.search(WORDS[i % WORDS.length]).length
  })
  results.searchWord.hits = hits
  results.searchTwoWords = time(20, (i) => {
    hits = s.recordings.search(`${WORDS[i % WORDS.length]} artist`).length
  })
  results.searchTwoWords.hits = hits
  results.searchTag = time(20, (i) => {
    hits = s.recordings.list({ tag: TAGS[i % TAGS.length] }).length
  })
  results.searchTag.hits = hits
  results.searchPage = time(20, (i) => s.recordings.search(WORDS[i % WORDS.length], { limit: 100 }))
  results.loadRecording = time(500, () => {
    const l = s.recordings.load(1 + Math.floor(rand() * N_REC))
    if (l.annotation.segments.length !== N_SEG) throw new Error('load')
  })
  results.listRevisions = time(200, () => s.annotations.listRevisions(1 + Math.floor(rand() * N_REC)))
  // single saves on the big file: FULL (the default) and NORMAL for reference
  results.saveRevisionFull = time(100, () =>
    s.annotations.saveRevision({
      recordingId: 1 + Math.floor(rand() * N_REC),
      segments: segments(3),
      author: 'b',
      source: 'edited',
    }),
  )
  s.close()
  const n = openStore(db, { synchronous: 'NORMAL' })
  results.saveRevisionNormal = time(100, () =>
    n.annotations.saveRevision({
      recordingId: 1 + Math.floor(rand() * N_REC),
      segments: segments(3),
      author: 'b',
      source: 'edited',
    }),
  )
  n.close()
  results.saveRevisionFull.ratioToNormal = results.saveRevisionFull.median / results.saveRevisionNormal.median
}

// 3. import the shared corpus into a fresh library, against just hashing its files
if (existsSync(join(corpus, 'manifest.json'))) {
  const files = []
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else files.push(p)
    }
  }
  for (const sub of ['synth', 'pop909']) walk(join(corpus, sub))
  const hashOnly = []
  const imports = []
  let report
  for (let k = 0; k < 3; k++) {
    let t0 = performance.now()
    for (const f of files) createHash('sha256').update(readFileSync(f)).digest('hex')
    hashOnly.push(performance.now() - t0)
    const s = openStore(join(dir, `corpus-${k}.db`))
    t0 = performance.now()
    report = await importPath(s, corpus)
    imports.push(performance.now() - t0)
    s.close()
  }
  results.importCorpus = { ...stats(imports), items: report.items.length, revisions: report.counts.revisions }
  results.hashCorpusFiles = { ...stats(hashOnly), files: files.length }
  results.importCorpus.ratioToHashing = results.importCorpus.median / results.hashCorpusFiles.median
} else process.stderr.write(`no corpus at ${corpus}: corpus import skipped\n`)

if (!KEEP) rmSync(dir, { recursive: true, force: true })
else process.stderr.write(`library kept at ${db}\n`)

let commit = null
try {
  commit = execSync('git rev-parse --short HEAD', { cwd: root, encoding: 'utf8' }).trim()
} catch {}
const Database = (await import('better-sqlite3')).default
const mem = new Database(':memory:')
const out = {
  bench: 'store',
  date: new Date().toISOString(),
  commit,
  node: process.version,
  sqlite: mem.prepare('select sqlite_version() v').get().v,
  platform: `${process.platform} ${process.arch}`,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  note: 'shared 2-core machine, other engineers running at the same time: timings are noisy',
  ...results,
}
mem.close()
mkdirSync(join(root, 'bench', 'results'), { recursive: true })
writeFileSync(join(root, 'bench', 'results', 'store.json'), `${JSON.stringify(out, null, 2)}\n`)

const f = (x) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(0))
const row = (what, r, target) => `| ${what} | ${f(r?.median)} | ${f(r?.p95)} | ${target} |`
console.log(
  `\nStore benchmark, ${N_REC} recordings × ${N_REV} revisions × ${N_SEG} segments (${out.date.slice(0, 10)}, ${out.cpu}, Node ${out.node}, SQLite ${out.sqlite})\n`,
)
console.log('| operation | median [ms] | p95 [ms] | target |')
console.log('|---|---|---|---|')
console.log(row(`list the whole library (${N_REC} rows)`, results.listAll, '≤ 50 ms'))
console.log(row('bare SELECT of the same columns (reference)', results.listAllBareSelect, ''))
console.log(row('list one page (100 rows)', results.listPage, ''))
console.log(row(`search one word (${results.searchWord.hits} hits)`, results.searchWord, '≤ 50 ms'))
console.log(row(`search two words (${results.searchTwoWords.hits} hits)`, results.searchTwoWords, '≤ 50 ms'))
console.log(row(`filter by tag (${results.searchTag.hits} hits)`, results.searchTag, '≤ 50 ms'))
console.log(row('open one recording + current annotation', results.loadRecording, '≤ 10 ms'))
console.log(row('revision history of a recording', results.listRevisions, ''))
console.log(row('save a revision, synchronous FULL', results.saveRevisionFull, ''))
console.log(row('save a revision, synchronous NORMAL (reference)', results.saveRevisionNormal, ''))
if (results.importCorpus) {
  console.log(
    row(`import the shared corpus (${results.importCorpus.items} items)`, results.importCorpus, 'a few s'),
  )
  console.log(row('hash the corpus files only (reference)', results.hashCorpusFiles, ''))
}
console.log(
  `\nbuild: ${(results.build.ms / 1000).toFixed(1)} s (${f(results.build.revisionsPerSecond)} revisions/s), file ${(results.build.bytes / 2 ** 20).toFixed(0)} MiB; open ${f(results.open.ms)} ms; list/bare-select ratio ${f(results.listAll.ratioToBareSelect)}; FULL/NORMAL save ratio ${f(results.saveRevisionFull.ratioToNormal)}; import/hash ratio ${f(results.importCorpus?.ratioToHashing)}`,
)
