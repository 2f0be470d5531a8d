/** Opening the library from a command: `--db`, `$CHORDWARP_DB` or the per-user default. */
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { defaultDbPath, openStore, type Store, StoreError } from '../backend/store'
import { UserError } from './errors'

export interface DbOption {
  db?: string
}

/** Add `--db <path>` to a command. */
export function dbOption(cmd: Command): Command {
  return cmd.option('--db <path>', 'library file (default: $CHORDWARP_DB, else the per-user data folder)')
}

export function dbPath(o: DbOption): string {
  return o.db ?? defaultDbPath()
}

function busyTimeout(): number | undefined {
  const v = process.env.CHORDWARP_BUSY_TIMEOUT_MS
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0)
    throw new UserError(`CHORDWARP_BUSY_TIMEOUT_MS must be a number of milliseconds, got "${v}"`)
  return n
}

/**
 * Open the library. `write: false` (reading commands) does not create a missing library and falls
 * back to read-only when the file cannot be written (a library on read-only media can still be listed).
 */
export function openLibrary(o: DbOption, { write }: { write: boolean }): Store {
  const path = dbPath(o)
  const busyTimeoutMs = busyTimeout()
  if (!write && !existsSync(path))
    throw new StoreError(
      'not-found',
      `no library at ${path}: "chordwarp import <folder>" creates it, or pass --db`,
    )
  try {
    return openStore(path, { busyTimeoutMs })
  } catch (e) {
    if (!write && e instanceof StoreError && e.code === 'readonly')
      return openStore(path, { busyTimeoutMs, readonly: true })
    throw e
  }
}

/** Run `fn` with the library open, closing it afterwards. */
export async function withLibrary<T>(
  o: DbOption,
  write: boolean,
  fn: (s: Store) => T | Promise<T>,
): Promise<T> {
  const s = openLibrary(o, { write })
  try {
    return await fn(s)
  } finally {
    s.close()
  }
}
