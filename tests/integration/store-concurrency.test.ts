/**
 * Two processes on one library (the app and the CLI): concurrent writers lose nothing and corrupt
 * nothing; a reader is never blocked by a writer; a lock held beyond the busy timeout gives a clear
 * `locked` error, in the API and on the command line.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore, SCHEMA_VERSION, StoreError } from '../../src/backend/store'
import { chordwarp } from '../helpers/cli'
import {
  addRecording,
  buildStoreChild,
  makeSegments,
  segmentsChecksum,
  tempDir,
  wavBytes,
} from '../helpers/store'

let child: string
let dir: string
beforeAll(async () => {
  child = await buildStoreChild()
  dir = tempDir('cw-conc-')
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(child, { force: true })
})

interface Proc {
  p: ChildProcess
  out: () => string
  done: Promise<number | null>
  /** resolves when stdout contains `text` */
  saw: (text: string) => Promise<void>
}

function start(args: string[]): Proc {
  const p = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: { text: string; resolve: () => void }[] = []
  p.stdout!.on('data', (d) => {
    out += d
    for (const w of waiters) if (out.includes(w.text)) w.resolve()
  })
  p.stderr!.on('data', (d) => {
    err += d
  })
  const done = new Promise<number | null>((resolve) =>
    p.on('exit', (code) => {
      if (code !== 0 && err) console.error(err)
      resolve(code)
    }),
  )
  return {
    p,
    out: () => out,
    done,
    saw: (text) =>
      new Promise((resolve) => {
        if (out.includes(text)) resolve()
        else waiters.push({ text, resolve })
      }),
  }
}

function confirmed(out: string): Map<number, string> {
  const m = new Map<number, string>()
  for (const line of out.split('\n')) {
    const r = /^rev (\d+) \d+ ([0-9a-f]{16})$/.exec(line)
    if (r) m.set(Number(r[1]), r[2]!)
  }
  return m
}

describe('two processes on one library', () => {
  test('two writers (same and different recordings) and a reader: no lost write, no corruption', async () => {
    const db = join(dir, 'shared.db')
    const s = openStore(db)
    const a = addRecording(s, 'a')
    const b = addRecording(s, 'b')
    const w1 = start(['write', db, String(a.id), '150', '1'])
    const w2 = start(['write', db, String(a.id), '150', '2'])
    const w3 = start(['write', db, String(b.id), '100', '3'])
    // meanwhile this process reads and writes too
    let reads = 0
    let mine = 0
    const all = Promise.all([w1.done, w2.done, w3.done])
    let finished = false
    void all.then(() => {
      finished = true
    })
    while (!finished) {
      s.recordings.list()
      s.annotations.getCurrent(a.id)
      reads++
      if (reads % 10 === 0) {
        s.annotations.saveRevision({
          recordingId: b.id,
          segments: makeSegments(7),
          author: 'parent',
          source: 'edited',
        })
        mine++
      }
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(await all).toEqual([0, 0, 0])
    const c1 = confirmed(w1.out())
    const c2 = confirmed(w2.out())
    const c3 = confirmed(w3.out())
    expect([c1.size, c2.size, c3.size]).toEqual([150, 150, 100])
    expect(s.check()).toEqual([])
    const revA = s.annotations.listRevisions(a.id)
    const revB = s.annotations.listRevisions(b.id)
    expect(revA).toHaveLength(300)
    expect(revB).toHaveLength(100 + mine)
    for (const [id, sum] of [...c1, ...c2, ...c3])
      expect(segmentsChecksum(s.annotations.getRevision(id).segments)).toBe(sum)
    // every save saw a committed parent: the history is one chain per recording, forks only where two saves raced
    const ids = new Set(revA.map((r) => r.id))
    for (const r of revA) if (r.parentId !== null) expect(ids.has(r.parentId)).toBe(true)
    expect(reads).toBeGreaterThan(5)
    s.close()
  })

  test('two processes creating the same new library at once: one schema, created once', async () => {
    for (let i = 0; i < 3; i++) {
      const db = join(dir, `new-${i}.db`)
      const ps = [start(['open', db]), start(['open', db]), start(['open', db])]
      expect(await Promise.all(ps.map((p) => p.done))).toEqual([0, 0, 0])
      for (const p of ps) expect(p.out()).toBe(`opened ${SCHEMA_VERSION}\n`)
      const s = openStore(db)
      expect(s.db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION)
      expect(s.check()).toEqual([])
      s.close()
    }
  })

  test('a write lock held beyond the busy timeout: "locked" with what to do; reads still work; then it writes', async () => {
    const db = join(dir, 'locked.db')
    const s0 = openStore(db)
    const rec = addRecording(s0, 'a')
    s0.close()
    const locker = start(['lock', db, '3000'])
    await locker.saw('locked\n')
    const s = openStore(db, { busyTimeoutMs: 300 })
    try {
      expect(s.recordings.list()).toHaveLength(1)
      const t0 = performance.now()
      let err: StoreError | undefined
      try {
        s.annotations.saveRevision({
          recordingId: rec.id,
          segments: makeSegments(3),
          author: 'x',
          source: 'typed',
        })
      } catch (e) {
        err = e as StoreError
      }
      const waited = performance.now() - t0
      expect(err).toBeInstanceOf(StoreError)
      expect(err!.code).toBe('locked')
      expect(err!.message).toBe(
        `the library ${db} is locked by another process (waited 0.3 s) while saving the revision: close other ChordWarp windows or commands using it, then try again`,
      )
      expect(waited).toBeGreaterThanOrEqual(250)
      // the CLI says the same in one line, exit 1
      mkdirSync(join(dir, 'in'), { recursive: true })
      writeFileSync(join(dir, 'in', 'x.wav'), wavBytes(1, 8000, 5))
      const cli = chordwarp(['import', join(dir, 'in'), '--db', db], undefined, {
        CHORDWARP_BUSY_TIMEOUT_MS: '300',
      })
      expect(cli.code).toBe(1)
      expect(cli.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(cli.stderr).toMatch(/locked by another process \(waited 0\.3 s\).*close other ChordWarp windows/)
      // reading commands are not blocked by the writer
      expect(JSON.parse(chordwarp(['library', 'ls', '--db', db, '--json']).stdout).total).toBe(1)
      expect(await locker.done).toBe(0)
      expect(locker.out()).toContain('released')
      // the lock is gone: the same save goes through, and the locker's own write is there too
      s.annotations.saveRevision({
        recordingId: rec.id,
        segments: makeSegments(3),
        author: 'x',
        source: 'typed',
      })
      expect(s.annotations.listRevisions(rec.id)).toHaveLength(1)
      expect(s.sequences.latest(rec.id)!.text).toBe('held')
      expect(s.check()).toEqual([])
    } finally {
      s.close()
      locker.p.kill('SIGKILL')
    }
  })
})
