/**
 * `openStore(path)`: the ChordWarp library, one SQLite file (better-sqlite3, WAL, foreign keys,
 * busy timeout, `synchronous = FULL`). Statements are prepared once when it opens; every write that
 * spans rows is one `BEGIN IMMEDIATE` transaction.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { Annotations } from './annotations'
import type { StoreContext } from './context'
import { StoreError, toStoreError } from './errors'
import { StoreFeatureCache } from './feature-cache'
import { Models } from './models'
import { Recordings } from './recordings'
import { Runs } from './runs'
import { APPLICATION_ID, migrate, readSchemaState, SCHEMA_VERSION } from './schema'
import { Sequences } from './sequences'
import type { BackupResult } from './types'

export interface StoreOptions {
  /** open for reading only: no migration, no journal-mode change, every write fails with `readonly` (default false) */
  readonly?: boolean
  /** how long a write waits for another process's lock before failing with `locked` [ms] (default 5000) */
  busyTimeoutMs?: number
  /** `FULL`: a committed revision survives power loss; `NORMAL`: survives a process crash only (default 'FULL') */
  synchronous?: 'FULL' | 'NORMAL'
  /** path of a `better_sqlite3.node` built for this runtime (Electron: `out/electron-native/better_sqlite3.node`); default: better-sqlite3's own lookup */
  nativeBinding?: string
  /** WAL auto-checkpoint threshold [pages] (default 1000, SQLite's) */
  walAutocheckpoint?: number
  /** create the folder of a new library (default true) */
  createDir?: boolean
  /** clock, for tests (default: `new Date()`) */
  now?: () => Date
}

export const defaultStoreOptions = {
  readonly: false,
  busyTimeoutMs: 5000,
  synchronous: 'FULL' as 'FULL' | 'NORMAL',
  nativeBinding: undefined as string | undefined,
  walAutocheckpoint: 1000,
  createDir: true,
  now: (): Date => new Date(),
}

type Resolved = StoreOptions & typeof defaultStoreOptions

function nativeError(e: unknown, binding: string | undefined): StoreError | null {
  const err = e as { code?: string; message?: string }
  const m = err?.message ?? ''
  if (
    err?.code === 'ERR_DLOPEN_FAILED' ||
    err?.code === 'MODULE_NOT_FOUND' ||
    /NODE_MODULE_VERSION|Could not locate the bindings file|invalid ELF header|wrong ELF class/.test(m)
  ) {
    const which = binding ? `the native binding ${binding}` : "better-sqlite3's native addon"
    const runtime = process.versions.electron
      ? `Electron ${process.versions.electron}`
      : `Node ${process.version}`
    return new StoreError(
      'native',
      `${which} cannot be loaded in ${runtime} (${m.split('\n')[0]}): for Electron run "node scripts/electron-rebuild.mjs", for Node run "npm rebuild better-sqlite3"`,
      e,
    )
  }
  return null
}

/** Open (creating or upgrading) the library at `path`. Throws a `StoreError`. */
export function openStore(path: string, options: StoreOptions = {}): Store {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
  const o: Resolved = Object.assign({}, defaultStoreOptions, given)
  if (!Number.isInteger(o.busyTimeoutMs) || o.busyTimeoutMs < 0)
    throw new StoreError(
      'invalid',
      `busyTimeoutMs must be a whole number of milliseconds ≥ 0, got ${o.busyTimeoutMs}`,
    )
  const file = resolve(path)
  if (o.readonly && !existsSync(file))
    throw new StoreError('not-found', `no library at ${file}: import something first, or pass another --db`)
  if (!o.readonly && o.createDir && !existsSync(dirname(file))) {
    try {
      mkdirSync(dirname(file), { recursive: true })
    } catch (e) {
      throw toStoreError(e, file, 'creating its folder')
    }
  }
  const dbo: Database.Options = { readonly: o.readonly, fileMustExist: o.readonly, timeout: o.busyTimeoutMs }
  if (o.nativeBinding) dbo.nativeBinding = o.nativeBinding
  try {
    return connect(file, file, dbo, o)
  } catch (e) {
    // A WAL library on read-only media cannot get its -shm file (and this SQLite build has no URI
    // filenames for `immutable=1`). When no -wal file holds pages, the main file is the whole
    // library: read it into memory, marked as a rollback-journal file, and open that read-only.
    const code = (e as { cause?: { code?: string } }).cause?.code
    if (o.readonly && code === 'SQLITE_CANTOPEN' && walIsEmpty(file)) {
      let bytes: Buffer
      try {
        bytes = readFileSync(file)
      } catch {
        throw e
      }
      if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1
      return connect(bytes, file, dbo, o)
    }
    throw e
  }
}

function walIsEmpty(file: string): boolean {
  try {
    return statSync(`${file}-wal`).size === 0
  } catch {
    return true
  }
}

function connect(name: string | Buffer, file: string, dbo: Database.Options, o: Resolved): Store {
  let db: Database.Database
  try {
    db = new Database(name, dbo)
  } catch (e) {
    throw nativeError(e, o.nativeBinding) ?? toStoreError(e, file, 'opening it', o.busyTimeoutMs)
  }
  try {
    return new Store(db, file, o)
  } catch (e) {
    try {
      db.close()
    } catch {}
    throw toStoreError(e, file, 'opening it', o.busyTimeoutMs)
  }
}

export class Store {
  /** absolute path of the library file */
  readonly path: string
  readonly readonly: boolean
  /** schema version of the file (after any upgrade at open) */
  readonly schemaVersion: number
  /** migrations applied when it was opened (e.g. `[2]` after upgrading a v1 library) */
  readonly upgradedFrom: number | null
  readonly recordings: Recordings
  readonly annotations: Annotations
  readonly sequences: Sequences
  readonly models: Models
  readonly runs: Runs
  readonly featureCache: StoreFeatureCache
  /** the raw connection: for diagnostics and tests only; write through the methods above */
  readonly db: Database.Database
  readonly #o: Resolved
  #closed = false

  /** @internal use `openStore` */
  constructor(db: Database.Database, path: string, o: Resolved) {
    this.db = db
    this.path = path
    this.readonly = o.readonly
    this.#o = o
    // look before touching: a foreign or newer file must be left exactly as it is
    const state = readSchemaState(db)
    if (!state.empty && state.applicationId !== APPLICATION_ID && state.version === 0)
      throw new StoreError(
        'not-a-library',
        `${path} is a SQLite database but not a ChordWarp library: pass another --db (it was not modified)`,
      )
    if (state.version > SCHEMA_VERSION)
      throw new StoreError(
        'newer-schema',
        `the library ${path} was written by a newer ChordWarp (schema v${state.version}, this version reads up to v${SCHEMA_VERSION}): update ChordWarp; the file was not modified`,
      )
    if (!o.readonly) {
      // switching to WAL needs a moment of exclusive access; it is a no-op once the file is WAL
      const mode = db.pragma('journal_mode = WAL', { simple: true })
      if (mode !== 'wal')
        throw new StoreError(
          'io',
          `the library ${path} cannot use write-ahead logging (journal mode ${mode})`,
        )
    }
    db.pragma('foreign_keys = ON')
    db.pragma(`synchronous = ${o.synchronous}`)
    db.pragma(`wal_autocheckpoint = ${o.walAutocheckpoint}`)
    if (process.platform === 'darwin') db.pragma('fullfsync = ON')
    let from: number | null = null
    if (state.version < SCHEMA_VERSION) {
      if (o.readonly)
        throw new StoreError(
          state.empty ? 'not-a-library' : 'readonly',
          state.empty
            ? `${path} is empty, not a ChordWarp library: import something first`
            : `the library ${path} (schema v${state.version}) must be upgraded to v${SCHEMA_VERSION}, which needs write access: open it once without read-only`,
        )
      const applied = migrate(db, SCHEMA_VERSION, o.now)
      if (applied.length > 0 && !state.empty) from = state.version
    }
    this.schemaVersion = readSchemaState(db).version
    this.upgradedFrom = from
    const c: StoreContext = {
      db,
      path,
      guard: <T>(what: string, fn: () => T): T => {
        if (this.#closed) throw new StoreError('io', `the library ${path} is closed (while ${what})`)
        try {
          return fn()
        } catch (e) {
          throw toStoreError(e, path, what, o.busyTimeoutMs)
        }
      },
      now: o.now,
    }
    this.recordings = new Recordings(c)
    this.annotations = new Annotations(c)
    this.sequences = new Sequences(c)
    this.recordings.link(this.annotations, this.sequences)
    this.models = new Models(c)
    this.runs = new Runs(c)
    this.featureCache = new StoreFeatureCache(db, c.guard, o.now)
    this.#guard = c.guard
  }

  readonly #guard: StoreContext['guard']

  /**
   * Run `fn` in one immediate transaction (store methods called inside join it as savepoints).
   * `fn` must be synchronous. Use it for bulk writes: one commit, one fsync.
   */
  transaction<T>(fn: () => T): T {
    return this.#guard('writing', () => this.db.transaction(fn).immediate())
  }

  /**
   * Copy the library to `file` with SQLite's online backup API (other processes may keep writing).
   * The copy is written beside `file` first and renamed when complete and checked.
   */
  async backup(file: string, o: { overwrite?: boolean } = {}): Promise<BackupResult> {
    const dest = resolve(file)
    if (dest === this.path)
      throw new StoreError('invalid', `the backup must be another file than the library itself`)
    if (existsSync(dest) && !o.overwrite)
      throw new StoreError('exists', `${dest} exists already: choose another file or pass --force`)
    const tmp = `${dest}.partial-${process.pid}`
    const t0 = performance.now()
    try {
      mkdirSync(dirname(dest), { recursive: true })
      const meta = await this.db.backup(tmp)
      // the copy carries the WAL flag: make it a self-contained rollback-journal file, then check it
      const check = new Database(tmp, { fileMustExist: true, nativeBinding: this.#o.nativeBinding })
      let ok: unknown
      try {
        check.pragma('journal_mode = DELETE')
        ok = check.pragma('quick_check', { simple: true })
      } finally {
        check.close()
      }
      if (ok !== 'ok') throw new StoreError('io', `the backup copy failed its check (${ok}): check the disk`)
      renameSync(tmp, dest)
      return { path: dest, bytes: statSync(dest).size, pages: meta.totalPages, ms: performance.now() - t0 }
    } catch (e) {
      for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true })
      throw toStoreError(e, dest, 'writing the backup', this.#o.busyTimeoutMs)
    }
  }

  /** `PRAGMA integrity_check` + `foreign_key_check`: an empty list means the file is sound. */
  check(): string[] {
    if (this.#closed) throw new StoreError('io', `the library ${this.path} is closed (while checking it)`)
    try {
      const problems = (this.db.pragma('integrity_check') as { integrity_check: string }[])
        .map((r) => r.integrity_check)
        .filter((s) => s !== 'ok')
      for (const f of this.db.pragma('foreign_key_check') as {
        table: string
        rowid: number
        parent: string
      }[])
        problems.push(`${f.table} row ${f.rowid} points to a missing ${f.parent}`)
      return problems
    } catch (e) {
      const err = toStoreError(e, this.path, 'checking the library', this.#o.busyTimeoutMs)
      if (err.code === 'corrupt') return [(e as Error).message]
      throw err
    }
  }

  /** Close the connection (checkpoints the WAL). Further calls fail. Safe to call twice. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.db.close()
  }
}
