/**
 * Which better-sqlite3 addon to load. Node (CLI, server, tests) uses the one in node_modules;
 * Electron's main process needs the build for Electron's ABI that `node scripts/electron-rebuild.mjs`
 * writes to `out/electron-native/better_sqlite3.node` (packaged apps: `resources/electron-native/`).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** Where scripts/electron-rebuild.mjs puts the Electron build, relative to the app root. */
export const ELECTRON_NATIVE_BINDING = join('out', 'electron-native', 'better_sqlite3.node')

/**
 * The `nativeBinding` to pass to `openStore` in this runtime: under Electron the first of
 * `candidates` that exists (default `<appRoot>/out/electron-native/better_sqlite3.node`), else
 * undefined (better-sqlite3's own lookup, right for Node).
 * @param appRoot the app's root folder (Electron: `app.getAppPath()`)
 */
export function nativeBindingFor(
  appRoot: string,
  candidates: string[] = [join(appRoot, ELECTRON_NATIVE_BINDING)],
  versions: NodeJS.ProcessVersions = process.versions,
): string | undefined {
  if (!versions.electron) return undefined
  return candidates.find((c) => existsSync(c))
}
