/** Schema migrations: a v1 library made here is upgraded on open, keeping every row. */
import { createHash } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { openStore, SCHEMA_VERSION } from '../../../src/backend/store'
import { MIGRATIONS, migrate, readSchemaState } from '../../../src/backend/store/schema'
import { fakeHash, tempDir } from '../../helpers/store'

let dir: string
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

test('released migrations are frozen (a change needs a new migration, not an edit)', () => {
  const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16)
  expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1))
  expect(digest(MIGRATIONS[0]!.sql)).toBe('ab9832e91d256d90')
})

/** A v1 library as the first release wrote it, with data in every table that v2 changes. */
function makeV1(path: string): void {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  expect(migrate(db, 1)).toEqual([1])
  expect(readSchemaState(db).version).toBe(1)
  const now = '2024-01-01T00:00:00.000Z'
  db.prepare(
    `INSERT INTO recordings (id, name, path, hash, duration_s, sample_rate, tags, added_at) VALUES
     (1, 'song', '/m/song.wav', ?, 12.5, 44100, 'live, bootleg,,jazz', ?),
     (2, 'other', '/m/other.wav', ?, NULL, NULL, '', ?)`,
  ).run(fakeHash(1), now, fakeHash(2), now)
  db.prepare(
    `INSERT INTO revisions (id, recording_id, parent_id, author, created_at, source, segment_count) VALUES
     (1, 1, NULL, 'ann', ?, 'typed', 2), (2, 1, 1, 'ann', ?, 'edited', 1)`,
  ).run(now, now)
  db.prepare(
    `INSERT INTO segments (revision_id, idx, start_s, end_s, label) VALUES
     (1, 0, 0, 1.5, 'A:min7/b3'), (1, 1, 1.5, 3, 'N'), (2, 0, 0, 3, 'C:maj(9)')`,
  ).run()
  db.prepare('UPDATE recordings SET current_revision_id = 2 WHERE id = 1').run()
  db.prepare(
    `INSERT INTO feature_cache (key, content_hash, pipeline, frames, sample_rate, hop_size, frame_rate, tuning_cents, data, bytes, created_at)
     VALUES ('old', NULL, 'fmp', 1, 22050, 2048, 10.77, 0, zeroblob(48), 48, ?)`,
  ).run(now)
  db.close()
}

test('opening a v1 library upgrades it to the current schema and keeps its data', () => {
  const path = join(dir, 'v1.db')
  makeV1(path)
  const s = openStore(path)
  try {
    expect(s.upgradedFrom).toBe(1)
    expect(s.schemaVersion).toBe(SCHEMA_VERSION)
    const rows = s.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()
    expect(rows).toEqual(MIGRATIONS.map((m) => m.version))
    // v2 moved the comma-separated tags into rows and dropped the column
    expect(s.recordings.get(1).tags).toEqual(['bootleg', 'jazz', 'live'])
    expect(s.recordings.get(2).tags).toEqual([])
    const cols = (s.db.pragma('table_info(recordings)') as { name: string }[]).map((c) => c.name)
    expect(cols).not.toContain('tags')
    // revisions got a status, segments are untouched
    const cur = s.annotations.getCurrent(1)!
    expect(cur.id).toBe(2)
    expect(cur.status).toBe('draft')
    // v3 gave revisions their locked boundaries: none for the old ones
    expect(cur.locks).toEqual([])
    // v4 gave segments the confidence of their start boundary: none for the old ones
    expect(cur.segments).toEqual([{ start: 0, end: 3, label: 'C:maj(9)' }])
    expect(s.annotations.getRevision(1).segments.map((x) => x.label)).toEqual(['A:min7/b3', 'N'])
    expect(s.recordings.search('jazz').map((r) => r.name)).toEqual(['song'])
    // v2 keeps a chroma's windowSize and tuning estimate; a v1 entry lacks them and reads as a miss
    expect(s.featureCache.stats().entries).toBe(1)
    expect(s.featureCache.get('old')).toBeUndefined()
    expect(s.check()).toEqual([])
  } finally {
    s.close()
  }
  // a second open finds nothing to do
  const again = openStore(path)
  expect(again.upgradedFrom).toBeNull()
  again.close()
})

test('a v1 library cannot be upgraded through a read-only open', () => {
  const path = join(dir, 'v1.db')
  makeV1(path)
  expect(() => openStore(path, { readonly: true })).toThrow(
    /must be upgraded to v4, which needs write access/,
  )
})
