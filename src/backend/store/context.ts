/** What every method group of the store shares: the connection, the error guard and the clock. */
import type Database from 'better-sqlite3'
import { StoreError } from './errors'

export interface StoreContext {
  readonly db: Database.Database
  /** the library file, for messages */
  readonly path: string
  /** run `fn`, turning any SQLite/fs error into a one-line `StoreError` about `what` */
  guard<T>(what: string, fn: () => T): T
  now(): Date
}

/** Parse a JSON column; a damaged value is reported, not thrown as a SyntaxError. */
export function parseJson<T>(text: string | null, path: string, what: string): T {
  if (text === null) return null as T
  try {
    return JSON.parse(text) as T
  } catch {
    throw new StoreError(
      'corrupt',
      `the library ${path} holds unreadable JSON in ${what}: restore it from a backup`,
    )
  }
}

export function notFound(what: string, ref: number | string): StoreError {
  return new StoreError(
    'not-found',
    `no ${what} ${typeof ref === 'number' ? ref : `"${ref}"`} in the library: "chordwarp library ls" lists what is there`,
  )
}

export function invalid(message: string): StoreError {
  return new StoreError('invalid', message)
}

/** Throws `invalid` unless `id` is a positive safe integer. */
export function checkId(id: unknown, what: string): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
    throw invalid(`${what} id must be a positive integer, got ${JSON.stringify(id)}`)
  return id
}
