/**
 * Typed store errors. Every failure the user can act on becomes a `StoreError` with a `code` and a
 * one-line message that says what happened and what to do; SQLite's own codes are mapped here once.
 */

/** What went wrong, for programs (the message is for people). */
export type StoreErrorCode =
  /** another process holds the write lock longer than the busy timeout */
  | 'locked'
  /** the file is not a SQLite database, or SQLite found damaged pages */
  | 'corrupt'
  /** the file or its folder cannot be written (read-only medium, permissions) */
  | 'readonly'
  /** the disk (or the configured page limit) is full */
  | 'full'
  /** the database was written by a newer ChordWarp */
  | 'newer-schema'
  /** a SQLite file that is not a ChordWarp library */
  | 'not-a-library'
  /** no such recording / revision / model / run */
  | 'not-found'
  /** the input is invalid (bad labels, times, options) */
  | 'invalid'
  /** the thing exists already (a name, a backup file) */
  | 'exists'
  /** better-sqlite3's native addon could not be loaded (wrong ABI, missing file) */
  | 'native'
  /** any other I/O failure */
  | 'io'

export class StoreError extends Error {
  override name = 'StoreError'
  /** The CLI prints these as one line and exits 1 (see src/cli/index.ts). */
  readonly userError = true
  readonly code: StoreErrorCode
  /** The underlying SQLite/Node error code, when there was one (`SQLITE_BUSY`, `EACCES`). */
  override readonly cause?: unknown
  constructor(code: StoreErrorCode, message: string, cause?: unknown) {
    super(message)
    this.code = code
    if (cause !== undefined) this.cause = cause
  }
}

/** `(e as {code})` of a SqliteError or a Node system error, else ''. */
function rawCode(e: unknown): string {
  const c = (e as { code?: unknown } | null)?.code
  return typeof c === 'string' ? c : ''
}

/**
 * Translate any error thrown by better-sqlite3 or fs into a `StoreError` about the library at `path`.
 * A `StoreError` passes through unchanged; an unknown error is wrapped as `io` keeping its text.
 * @param what what the store was doing, e.g. "saving the revision" (used in the message)
 */
export function toStoreError(e: unknown, path: string, what: string, busyTimeoutMs?: number): StoreError {
  if (e instanceof StoreError) return e
  const code = rawCode(e)
  const text = ((e as Error)?.message ?? String(e)).split('\n')[0]
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    const waited = busyTimeoutMs !== undefined ? ` (waited ${(busyTimeoutMs / 1000).toFixed(1)} s)` : ''
    return new StoreError(
      'locked',
      `the library ${path} is locked by another process${waited} while ${what}: close other ChordWarp windows or commands using it, then try again`,
      e,
    )
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return new StoreError(
      'corrupt',
      `the library ${path} is damaged (${text}) while ${what}: restore it from a backup ("chordwarp backup" makes one) or move it aside; it was not modified`,
      e,
    )
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /database or disk is full|No space left/i.test(text))
    return new StoreError(
      'full',
      `the disk holding ${path} is full while ${what}: free some space and try again; everything saved before is intact`,
      e,
    )
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return new StoreError(
      'readonly',
      `the library ${path} cannot be written (${text}) while ${what}: move it to a writable folder, fix its permissions, or open it read-only`,
      e,
    )
  if (code.startsWith('SQLITE_CANTOPEN'))
    return new StoreError(
      'readonly',
      `cannot open the library ${path} (${text}): check that its folder exists and is writable, or pass another --db`,
      e,
    )
  if (code.startsWith('SQLITE_IOERR'))
    return new StoreError(
      'io',
      `I/O error on the library ${path} while ${what} (${code}: ${text}): check the disk`,
      e,
    )
  return new StoreError('io', `${what} failed for the library ${path}: ${text}`, e)
}
