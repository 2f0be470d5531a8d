/**
 * Child process of the store's reliability tests (bundled by `buildStoreChild`).
 *   write <db> <recordingId> <count|inf> [seed]  save revisions (and other writes) in a loop; after each
 *                                                 revision's save returns, print "rev <id> <n> <checksum>"
 *   lock <db> <ms>                                hold a write lock (BEGIN IMMEDIATE) for ms, print "locked"
 *   open <db>                                      open (create/migrate) the library, print "opened"
 */
import { writeSync } from 'node:fs'
import Database from 'better-sqlite3'
import { featureKey, openStore } from '../../src/backend/store'
import { fakeHash, makeSegments, segmentsChecksum } from './store-data'

const say = (line: string) => writeSync(1, `${line}\n`)

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const [mode, db, a, b, c] = process.argv.slice(2)
if (mode === 'write') {
  const recordingId = Number(a)
  const count = b === 'inf' ? Number.POSITIVE_INFINITY : Number(b)
  const rand = rng(Number(c ?? process.pid))
  // a small auto-checkpoint so that kills also land inside checkpoints
  const store = openStore(db!, { walAutocheckpoint: 8, busyTimeoutMs: 20000 })
  say('ready')
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rand() * 300)
    const segments = makeSegments(n, Math.floor(rand() * 8))
    const r = rand()
    if (r < 0.15) store.sequences.save(recordingId, 'C G Am F', { author: `child-${process.pid}` })
    else if (r < 0.25) {
      const frames = 200 + Math.floor(rand() * 2000)
      const data = new Float32Array(frames * 12).map(() => rand())
      store.featureCache.put(featureKey(fakeHash(i), { i }), {
        data,
        frames,
        sampleRate: 22050,
        hopSize: 2048,
        windowSize: 4096,
        frameRate: 22050 / 2048,
        tuningCents: 0,
        pipeline: 'fmp',
      })
    }
    const rev = store.annotations.saveRevision({
      recordingId,
      segments,
      author: `child-${process.pid}`,
      source: 'edited',
    })
    say(`rev ${rev.id} ${n} ${segmentsChecksum(segments)}`)
  }
  store.close()
  say('done')
} else if (mode === 'lock') {
  const raw = new Database(db!)
  raw.exec('BEGIN IMMEDIATE')
  raw
    .prepare('INSERT INTO sequences (recording_id, text, author, created_at) VALUES (1, ?, ?, ?)')
    .run('held', 'locker', new Date().toISOString())
  say('locked')
  setTimeout(() => {
    raw.exec('COMMIT')
    raw.close()
    say('released')
  }, Number(a))
} else if (mode === 'open') {
  const store = openStore(db!)
  say(`opened ${store.schemaVersion}`)
  store.close()
} else {
  process.stderr.write(`store-child: unknown mode ${mode}\n`)
  process.exit(2)
}
