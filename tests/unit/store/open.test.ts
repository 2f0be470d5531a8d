/** openStore: pragmas, options, and the files it refuses to open (without changing them). */
import { createHash } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { openStore, SCHEMA_VERSION, StoreError } from '../../../src/backend/store'
import { APPLICATION_ID } from '../../../src/backend/store/schema'
import { REPO_ROOT } from '../../helpers/corpus'
import { addRecording, tempDir } from '../../helpers/store'

let dir: string
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex')

function expectStoreError(fn: () => unknown, code: StoreError['code'], text: RegExp): StoreError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError)
    const err = e as StoreError
    expect(err.code).toBe(code)
    expect(err.message).toMatch(text)
    expect(err.message).not.toContain('\n')
    return err
  }
  throw new Error(`expected a StoreError ${code}`)
}

describe('openStore', () => {
  test('a new library: WAL, foreign keys, synchronous FULL, busy timeout, schema and application id', () => {
    const path = join(dir, 'sub', 'dir', 'library.db')
    const s = openStore(path, { busyTimeoutMs: 1234 })
    try {
      expect(s.path).toBe(path)
      expect(s.schemaVersion).toBe(SCHEMA_VERSION)
      expect(s.upgradedFrom).toBeNull()
      expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(s.db.pragma('synchronous', { simple: true })).toBe(2)
      expect(s.db.pragma('busy_timeout', { simple: true })).toBe(1234)
      expect(s.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
      expect(s.check()).toEqual([])
    } finally {
      s.close()
    }
  })

  test('synchronous NORMAL on request; data survives close and reopen', () => {
    const path = join(dir, 'library.db')
    const s = openStore(path, { synchronous: 'NORMAL' })
    expect(s.db.pragma('synchronous', { simple: true })).toBe(1)
    const rec = addRecording(s, 'song')
    s.close()
    const t = openStore(path)
    expect(t.recordings.get(rec.id).name).toBe('song')
    t.close()
  })

  test('a library written by a newer version is refused and left unchanged', () => {
    const path = join(dir, 'library.db')
    const s = openStore(path)
    s.db.prepare("INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01')").run()
    s.close()
    const before = sha(path)
    expectStoreError(
      () => openStore(path),
      'newer-schema',
      /newer ChordWarp \(schema v99, this version reads up to v4\).*update ChordWarp/,
    )
    expect(sha(path)).toBe(before)
  })

  test('a SQLite file of another program is refused and left unchanged', () => {
    const path = join(dir, 'other.db')
    const raw = new Database(path)
    raw.exec('CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES (1)')
    raw.close()
    const before = sha(path)
    expectStoreError(() => openStore(path), 'not-a-library', /not a ChordWarp library/)
    expect(sha(path)).toBe(before)
  })

  test('a file of garbage is reported as damaged and left unchanged', () => {
    const path = join(dir, 'library.db')
    const bytes = Buffer.alloc(16384)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) & 0xff
    writeFileSync(path, bytes)
    expectStoreError(() => openStore(path), 'corrupt', /is damaged.*restore it from a backup/)
    expect(readFileSync(path).equals(bytes)).toBe(true)
  })

  test('readonly: a missing library is not created; writes fail with "readonly"', () => {
    const path = join(dir, 'library.db')
    expectStoreError(() => openStore(path, { readonly: true }), 'not-found', /no library at/)
    const s = openStore(path)
    addRecording(s, 'a')
    s.close()
    const r = openStore(path, { readonly: true })
    try {
      expect(r.recordings.list().map((x) => x.name)).toEqual(['a'])
      expectStoreError(() => addRecording(r, 'b'), 'readonly', /cannot be written/)
    } finally {
      r.close()
    }
  })

  test('nativeBinding: an explicit addon path is used; a wrong one says how to rebuild', () => {
    const node = join(REPO_ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')
    const s = openStore(join(dir, 'a.db'), { nativeBinding: node })
    expect(s.schemaVersion).toBe(SCHEMA_VERSION)
    s.close()
    expectStoreError(
      () => openStore(join(dir, 'b.db'), { nativeBinding: join(dir, 'missing.node') }),
      'native',
      /cannot be loaded in Node .*scripts\/electron-rebuild\.mjs/,
    )
    const notAddon = join(dir, 'fake.node')
    writeFileSync(notAddon, 'not an ELF file')
    expectStoreError(
      () => openStore(join(dir, 'c.db'), { nativeBinding: notAddon }),
      'native',
      /electron-rebuild/,
    )
  })

  test('bad options and a closed store give one-line errors', () => {
    expectStoreError(() => openStore(join(dir, 'a.db'), { busyTimeoutMs: -1 }), 'invalid', /busyTimeoutMs/)
    const s = openStore(join(dir, 'a.db'))
    s.close()
    s.close()
    expectStoreError(() => s.recordings.list(), 'io', /is closed/)
  })
})
