/**
 * Bad conditions: a damaged library, a read-only location, a full disk. Each gives a clear one-line
 * error, and nothing that was saved before is lost. A full disk is simulated twice: with SQLite's
 * `max_page_count` (always), and with a real 1 MiB tmpfs when this machine lets us mount one (root).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore, type Store, StoreError } from '../../src/backend/store'
import { chordwarp } from '../helpers/cli'
import { addRecording, makeSegments, tempDir } from '../helpers/store'

let dir: string
beforeAll(() => {
  dir = tempDir('cw-faults-')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function catchStoreError(fn: () => unknown): StoreError {
  try {
    fn()
  } catch (e) {
    if (e instanceof StoreError) {
      expect(e.message).not.toContain('\n')
      return e
    }
    throw e
  }
  throw new Error('expected a StoreError')
}

/** Save revisions until the store refuses; returns the ids whose save returned. */
function fillUntilFull(
  s: Store,
  recordingId: number,
  segments: number,
): { saved: number[]; error: StoreError } {
  const saved: number[] = []
  for (let i = 0; i < 100_000; i++) {
    try {
      saved.push(
        s.annotations.saveRevision({
          recordingId,
          segments: makeSegments(segments, i),
          author: 'x',
          source: 'edited',
        }).id,
      )
    } catch (e) {
      if (!(e instanceof StoreError)) throw e
      return { saved, error: e }
    }
  }
  throw new Error('the disk never filled up')
}

function expectAllThere(s: Store, recordingId: number, saved: number[], segments: number) {
  expect(s.check()).toEqual([])
  expect(s.annotations.listRevisions(recordingId).map((r) => r.id)).toEqual([...saved].reverse())
  for (const [k, id] of saved.entries())
    expect(s.annotations.getRevision(id).segments).toEqual(makeSegments(segments, k))
  expect(s.annotations.getCurrent(recordingId)!.id).toBe(saved[saved.length - 1])
}

describe('a damaged library', () => {
  test('a page of garbage inside a real library: check() finds it, reads say "damaged", the CLI exits 1', () => {
    const db = join(dir, 'damaged.db')
    const s = openStore(db)
    const rec = addRecording(s, 'a')
    for (let i = 0; i < 60; i++)
      s.annotations.saveRevision({
        recordingId: rec.id,
        segments: makeSegments(80, i),
        author: 'x',
        source: 'edited',
      })
    const pages = s.db
      .prepare("SELECT pageno FROM dbstat WHERE name = 'segments' AND pagetype = 'leaf'")
      .pluck()
      .all() as number[]
    const pageSize = s.db.pragma('page_size', { simple: true }) as number
    s.close()
    expect(pages.length).toBeGreaterThan(10)
    const bytes = readFileSync(db)
    const victim = pages[Math.floor(pages.length / 2)]!
    for (let i = 0; i < pageSize; i++) bytes[(victim - 1) * pageSize + i] = (i * 31 + 7) & 0xff
    writeFileSync(db, bytes)

    const t = openStore(db)
    try {
      expect(t.check().length).toBeGreaterThan(0)
      const errors = t.annotations.listRevisions(rec.id).flatMap((r) => {
        try {
          t.annotations.getRevision(r.id)
          return []
        } catch (e) {
          return [e]
        }
      })
      expect(errors.length).toBeGreaterThan(0)
      for (const e of errors) {
        expect(e).toBeInstanceOf(StoreError)
        expect((e as StoreError).code).toBe('corrupt')
        expect((e as StoreError).message).toMatch(/is damaged .*restore it from a backup/)
      }
    } finally {
      t.close()
    }
    const cli = chordwarp(['library', 'check', '--db', db])
    expect(cli.code).toBe(1)
    expect(cli.stderr.trimEnd().split('\n').at(-1)).toMatch(/has \d+ problems?: restore it from a backup/)
  })

  test('a file that is not a database: the CLI says so in one line and leaves it alone', () => {
    const db = join(dir, 'garbage.db')
    const junk = Buffer.from('SQLite format 2\u0000'.padEnd(8192, 'x'))
    writeFileSync(db, junk)
    const r = chordwarp(['library', 'ls', '--db', db])
    expect(r.code).toBe(1)
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/is damaged .*restore it from a backup/)
    expect(readFileSync(db).equals(junk)).toBe(true)
  })
})

describe('a full disk', () => {
  test('max_page_count: "full" with what to do; every earlier revision intact; saving works again with space', () => {
    const db = join(dir, 'pages.db')
    const s = openStore(db)
    try {
      const rec = addRecording(s, 'a')
      s.annotations.saveRevision({
        recordingId: rec.id,
        segments: makeSegments(10),
        author: 'x',
        source: 'typed',
      })
      const pages = s.db.pragma('page_count', { simple: true }) as number
      s.db.pragma(`max_page_count = ${pages + 40}`)
      const first = s.annotations.listRevisions(rec.id).map((r) => r.id)
      const { saved, error } = fillUntilFull(s, rec.id, 120)
      expect(saved.length).toBeGreaterThan(3)
      expect(error.code).toBe('full')
      expect(error.message).toBe(
        `the disk holding ${db} is full while saving the revision: free some space and try again; everything saved before is intact`,
      )
      expect(s.db.inTransaction).toBe(false)
      s.close()
      const t = openStore(db)
      const all = [...first, ...saved]
      expect(t.check()).toEqual([])
      expect(t.annotations.listRevisions(rec.id).map((r) => r.id)).toEqual([...all].reverse())
      for (const [k, id] of saved.entries())
        expect(t.annotations.getRevision(id).segments).toEqual(makeSegments(120, k))
      // "space" again (a new connection has no page limit): saving works
      t.annotations.saveRevision({
        recordingId: rec.id,
        segments: makeSegments(5),
        author: 'x',
        source: 'edited',
      })
      t.close()
    } finally {
      s.close()
    }
  })

  const root = process.getuid?.() === 0
  const mnt = join(tempDir('cw-mnt-'), 'tiny')
  mkdirSync(mnt)
  const canMount = root && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]).status === 0
  if (!canMount)
    console.warn('[store-faults] cannot mount a tmpfs here (needs root): the real full-disk test is skipped')
  afterAll(() => {
    if (canMount) spawnSync('umount', ['-l', mnt])
    rmSync(join(mnt, '..'), { recursive: true, force: true })
  })

  test.skipIf(!canMount)(
    'a real 1 MiB tmpfs fills up: "full", nothing saved is lost, after freeing space it saves',
    () => {
      const db = join(mnt, 'lib.db')
      const s = openStore(db)
      const rec = addRecording(s, 'a')
      const { saved, error } = fillUntilFull(s, rec.id, 200)
      expect(saved.length).toBeGreaterThan(3)
      expect(error.code).toBe('full')
      expect(error.message).toMatch(
        /the disk holding .*lib\.db is full while saving the revision: free some space/,
      )
      expectAllThere(s, rec.id, saved, 200)
      try {
        s.close()
      } catch {}
      const t = openStore(db, { readonly: true })
      expectAllThere(t, rec.id, saved, 200)
      t.close()
      // free space (drop the feature cache a user would clear, here: a ballast file) and save again
      writeFileSync(join(mnt, 'ballast'), '')
      rmSync(join(mnt, 'ballast'))
      execFileSync('mount', ['-o', 'remount,size=4m', mnt])
      const u = openStore(db)
      u.annotations.saveRevision({
        recordingId: rec.id,
        segments: makeSegments(3),
        author: 'x',
        source: 'edited',
      })
      expect(u.check()).toEqual([])
      u.close()
    },
  )
})

describe('a read-only location', () => {
  // root ignores file permissions: use a read-only mount when we are root, chmod otherwise
  const root = process.getuid?.() === 0
  const base = tempDir('cw-ro-')
  const loc = join(base, 'ro')
  mkdirSync(loc)
  let ready = false
  let makeReadOnly = () => {}
  if (root) {
    ready = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', loc]).status === 0
    makeReadOnly = () => execFileSync('mount', ['-o', 'remount,ro', loc])
  } else {
    ready = true
    makeReadOnly = () => {
      chmodSync(join(loc, 'lib.db'), 0o444)
      chmodSync(loc, 0o555)
    }
  }
  if (!ready) console.warn('[store-faults] cannot make a read-only location here: test skipped')
  afterAll(() => {
    if (root && ready) spawnSync('umount', ['-l', loc])
    else if (ready) chmodSync(loc, 0o755)
    rmSync(base, { recursive: true, force: true })
  })

  test.skipIf(!ready)(
    'writes say "cannot be written"; reading (and the CLI ls) still works; nothing is lost',
    () => {
      const db = join(loc, 'lib.db')
      const s = openStore(db)
      const rec = addRecording(s, 'a')
      s.annotations.saveRevision({
        recordingId: rec.id,
        segments: makeSegments(9),
        author: 'x',
        source: 'typed',
      })
      s.close()
      makeReadOnly()
      const e = catchStoreError(() => openStore(db))
      expect(e.code).toBe('readonly')
      expect(e.message).toMatch(/cannot (be written|open the library)/)
      const r = openStore(db, { readonly: true })
      try {
        expect(r.annotations.getCurrent(rec.id)!.segments).toEqual(makeSegments(9))
        const w = catchStoreError(() => r.sequences.save(rec.id, 'C G', { author: 'x' }))
        expect(w.code).toBe('readonly')
        expect(w.message).toMatch(/cannot be written .*move it to a writable folder/)
      } finally {
        r.close()
      }
      const ls = chordwarp(['library', 'ls', '--db', db, '--json'])
      expect(ls.code, ls.stderr).toBe(0)
      expect(JSON.parse(ls.stdout).total).toBe(1)
      const imp = chordwarp(['import', join(loc, 'nothing'), '--db', db])
      expect(imp.code).toBe(1)
      expect(imp.stderr.trimEnd().split('\n')).toHaveLength(1)
    },
  )
})
