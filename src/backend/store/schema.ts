/**
 * The library's schema and its migrations. Migrations are append-only: migration N is never edited
 * once released, a new one is added instead. The applied versions are rows of `schema_migrations`;
 * `PRAGMA application_id` marks the file as a ChordWarp library. Migrations run inside one
 * `BEGIN IMMEDIATE` transaction, so a crash or a second process never sees half a schema.
 */
import type Database from 'better-sqlite3'

/** `PRAGMA application_id` of a ChordWarp library: the bytes "CWRP". */
export const APPLICATION_ID = 0x43575250

export interface Migration {
  version: number
  name: string
  /** DDL/DML run in the migration's transaction. */
  sql: string
  /** Data changes that need code, run after `sql` in the same transaction. */
  run?: (db: Database.Database) => void
  /** DDL run after `run` (e.g. dropping a column the code just read). */
  after?: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial layout',
    sql: `
CREATE TABLE recordings (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  size_bytes INTEGER,
  duration_s REAL,
  sample_rate INTEGER,
  format TEXT,
  collection TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  license TEXT NOT NULL DEFAULT '',
  split TEXT,
  tags TEXT NOT NULL DEFAULT '',
  added_at TEXT NOT NULL,
  current_revision_id INTEGER REFERENCES revisions(id) ON DELETE SET NULL
);
CREATE TABLE sequences (
  id INTEGER PRIMARY KEY,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX sequences_recording ON sequences(recording_id, id);
CREATE TABLE revisions (
  id INTEGER PRIMARY KEY,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES revisions(id) ON DELETE SET NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('typed', 'aligned', 'recognised', 'imported', 'edited')),
  sequence_id INTEGER REFERENCES sequences(id) ON DELETE SET NULL,
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  note TEXT,
  segment_count INTEGER NOT NULL
);
CREATE INDEX revisions_recording ON revisions(recording_id, id);
CREATE TABLE segments (
  revision_id INTEGER NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  start_s REAL NOT NULL,
  end_s REAL NOT NULL,
  label TEXT NOT NULL,
  confidence REAL,
  PRIMARY KEY (revision_id, idx)
) WITHOUT ROWID;
CREATE TRIGGER segments_immutable BEFORE UPDATE ON segments
BEGIN SELECT RAISE(ABORT, 'annotation revisions are immutable: save a new revision'); END;
CREATE TRIGGER revisions_immutable
BEFORE UPDATE OF recording_id, author, created_at, source, segment_count, note ON revisions
BEGIN SELECT RAISE(ABORT, 'annotation revisions are immutable: save a new revision'); END;
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  config TEXT NOT NULL DEFAULT '{}',
  corpus_fingerprint TEXT,
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  error TEXT,
  note TEXT
);
CREATE TABLE run_epochs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  train_loss REAL,
  val_loss REAL,
  ms REAL,
  extra TEXT,
  PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL,
  weights TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  corpus_fingerprint TEXT,
  metrics TEXT NOT NULL DEFAULT '{}',
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX models_one_active ON models(active) WHERE active = 1;
CREATE TABLE feature_cache (
  key TEXT PRIMARY KEY,
  content_hash TEXT,
  pipeline TEXT NOT NULL,
  frames INTEGER NOT NULL,
  sample_rate REAL NOT NULL,
  hop_size REAL NOT NULL,
  frame_rate REAL NOT NULL,
  tuning_cents REAL NOT NULL,
  data BLOB NOT NULL,
  bass BLOB,
  bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX feature_cache_hash ON feature_cache(content_hash);
`,
  },
  {
    version: 2,
    name: 'review status of revisions; tags as rows; case-insensitive name index; feature-cache metadata',
    sql: `
ALTER TABLE revisions ADD COLUMN status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'reviewed'));
CREATE TABLE recording_tags (
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (recording_id, tag)
) WITHOUT ROWID;
CREATE INDEX recording_tags_tag ON recording_tags(tag);
CREATE INDEX recordings_name_nocase ON recordings(name COLLATE NOCASE);
ALTER TABLE feature_cache ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
`,
    run(db) {
      // v1 kept tags as one comma-separated text per recording
      const rows = db.prepare(`SELECT id, tags FROM recordings WHERE tags <> ''`).all() as {
        id: number
        tags: string
      }[]
      const ins = db.prepare('INSERT OR IGNORE INTO recording_tags (recording_id, tag) VALUES (?, ?)')
      for (const r of rows)
        for (const t of r.tags.split(',')) {
          const tag = t.trim()
          if (tag) ins.run(r.id, tag)
        }
    },
    after: 'ALTER TABLE recordings DROP COLUMN tags;',
  },
  {
    version: 3,
    name: 'locked boundary times saved with each revision',
    sql: `
ALTER TABLE revisions ADD COLUMN locks TEXT NOT NULL DEFAULT '[]';
DROP TRIGGER revisions_immutable;
CREATE TRIGGER revisions_immutable
BEFORE UPDATE OF recording_id, author, created_at, source, segment_count, note, locks ON revisions
BEGIN SELECT RAISE(ABORT, 'annotation revisions are immutable: save a new revision'); END;
`,
  },
  {
    version: 4,
    name: "the aligner's confidence of each segment's start boundary",
    sql: `
ALTER TABLE segments ADD COLUMN start_confidence REAL;
`,
  },
]

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version

/** What an opened file holds, before any change. */
export interface SchemaState {
  /** true when the file has no tables at all (new library) */
  empty: boolean
  /** highest applied migration, 0 when none */
  version: number
  applicationId: number
}

export function readSchemaState(db: Database.Database): SchemaState {
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[]
  const applicationId = db.pragma('application_id', { simple: true }) as number
  let version = 0
  if (tables.includes('schema_migrations'))
    version = (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0
  return { empty: tables.length === 0, version, applicationId }
}

/**
 * Bring the schema up to `target` (default: the newest). Returns the versions applied. Runs in one
 * immediate transaction and re-reads the version inside it, so two processes opening the same old
 * file at once migrate it exactly once.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION, now = () => new Date()): number[] {
  const applied: number[] = []
  const tx = db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    )
    const have =
      (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0
    const mark = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    for (const m of MIGRATIONS) {
      if (m.version <= have || m.version > target) continue
      db.exec(m.sql)
      m.run?.(db)
      if (m.after) db.exec(m.after)
      mark.run(m.version, m.name, now().toISOString())
      applied.push(m.version)
    }
    db.pragma(`application_id = ${APPLICATION_ID}`)
  })
  tx.immediate()
  return applied
}
