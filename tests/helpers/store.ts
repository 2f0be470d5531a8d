/** Store tests: a fresh library file per test in its own temp folder (as better-sqlite3's own tests do). */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterEach, beforeEach } from 'vitest'
import { openStore, type Store, type StoreOptions } from '../../src/backend/store'
import { REPO_ROOT } from './corpus'
import { fakeHash } from './store-data'

export { fakeHash, makeSegments, segmentsChecksum, wavBytes } from './store-data'

export function tempDir(prefix = 'cw-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** `beforeEach` opens a new library in a new temp folder, `afterEach` closes and deletes it. */
export function useFreshStore(options: StoreOptions = {}) {
  const ctx = { store: undefined as unknown as Store, dir: '', path: '' }
  beforeEach(() => {
    ctx.dir = tempDir()
    ctx.path = join(ctx.dir, 'library.db')
    ctx.store = openStore(ctx.path, options)
  })
  afterEach(() => {
    ctx.store?.close()
    rmSync(ctx.dir, { recursive: true, force: true })
  })
  return ctx
}

/** Add a recording with a fake hash. */
export function addRecording(store: Store, name: string, extra: Record<string, unknown> = {}) {
  return store.recordings.add({ path: `/music/${name}.wav`, hash: fakeHash(name), name, ...extra })
}

/**
 * Bundle `tests/helpers/store-child.ts` (the writer/locker child process of the reliability tests)
 * into out/test so that it resolves better-sqlite3 from node_modules. One file per calling process.
 */
export async function buildStoreChild(): Promise<string> {
  const dir = join(REPO_ROOT, 'out', 'test')
  mkdirSync(dir, { recursive: true })
  const outfile = join(dir, `store-child-${process.pid}.mjs`)
  await build({
    entryPoints: [join(REPO_ROOT, 'tests/helpers/store-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  })
  return outfile
}
