/**
 * Finding and loading the native addon, in better-sqlite3's order (lib/binding.js, STYLE.md §7):
 * 1. an explicit path (`nativeBinding` option or CHORDWARP_NATIVE_BINDING),
 * 2. native/prebuilds/<platform>-<arch>.node (shipped builds),
 * 3. native/build/Release/chordwarp_native.node (built from source at `npm install`).
 * When none loads, the reason says why (the build's own reason from native/build/unavailable.json first).
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NativeAddon, NativeBuildRecord } from './addon'

/** Where to look; all optional. */
export interface NativeLoadOptions {
  /** Explicit path of a chordwarp_native.node [file path]. Default: CHORDWARP_NATIVE_BINDING or none. */
  nativeBinding?: string
  /** Repository / app root holding native/ [directory]. Default: found from this file's location. */
  root?: string
  /** Environment to read CHORDWARP_NATIVE / CHORDWARP_NATIVE_BINDING from. Default: process.env. */
  env?: NodeJS.ProcessEnv
}

export interface NativeLoadResult {
  addon: NativeAddon | null
  /** The file that loaded. */
  path: string | null
  /** How it was found: 'explicit' | 'prebuild' | 'build'. */
  source: 'explicit' | 'prebuild' | 'build' | null
  /** Why no addon is loaded (null when loaded). */
  reason: string | null
  /** Every candidate tried, with the error of those that failed. */
  tried: { path: string; error: string | null }[]
}

/** The directory holding native/binding.gyp or native/build (the repository or the packaged app). */
export function findRoot(start = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = start
  for (;;) {
    if (existsSync(join(dir, 'native', 'binding.gyp')) || existsSync(join(dir, 'native', 'build'))) return dir
    const up = dirname(dir)
    if (up === dir) return null
    dir = up
  }
}

/** The addon file of each place, in lookup order. */
export function candidates(
  root: string,
  explicit?: string,
): { path: string; source: 'explicit' | 'prebuild' | 'build' }[] {
  const out: { path: string; source: 'explicit' | 'prebuild' | 'build' }[] = []
  if (explicit) out.push({ path: explicit, source: 'explicit' })
  out.push({
    path: join(root, 'native', 'prebuilds', `${process.platform}-${process.arch}.node`),
    source: 'prebuild',
  })
  out.push({ path: join(root, 'native', 'build', 'Release', 'chordwarp_native.node'), source: 'build' })
  return out
}

/** native/build/unavailable.json: why the install-time build did not produce an addon. */
export function buildFailure(root: string): string | null {
  const f = join(root, 'native', 'build', 'unavailable.json')
  if (!existsSync(f)) return null
  try {
    const j = JSON.parse(readFileSync(f, 'utf8')) as { reason?: string }
    return j.reason ?? 'the native build failed (no reason recorded)'
  } catch {
    return 'the native build failed (native/build/unavailable.json is unreadable)'
  }
}

/** native/build/build-info.json, if the build script wrote one. */
export function buildRecord(root: string): NativeBuildRecord | null {
  const f = join(root, 'native', 'build', 'build-info.json')
  if (!existsSync(f)) return null
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as NativeBuildRecord
  } catch {
    return null
  }
}

/** sha256 over native/binding.gyp and every file under native/src (same as scripts/build-native.mjs). */
export function nativeSourceHash(root: string): string | null {
  const dir = join(root, 'native')
  if (!existsSync(join(dir, 'binding.gyp'))) return null
  const files: string[] = [join(dir, 'binding.gyp')]
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else files.push(p)
    }
  }
  if (existsSync(join(dir, 'src'))) walk(join(dir, 'src'))
  const h = createHash('sha256')
  for (const f of files) {
    h.update(relative(dir, f).split('\\').join('/'))
    h.update('\0')
    h.update(readFileSync(f))
    h.update('\0')
  }
  return h.digest('hex')
}

/**
 * Load the addon. Never throws: a missing or broken addon gives `addon: null` and the reason.
 * CHORDWARP_NATIVE=0 disables it (the TS backend is used).
 */
export function loadNativeAddon(opts: NativeLoadOptions = {}): NativeLoadResult {
  const env = opts.env ?? process.env
  const tried: NativeLoadResult['tried'] = []
  if (env.CHORDWARP_NATIVE === '0')
    return { addon: null, path: null, source: null, reason: 'disabled by CHORDWARP_NATIVE=0', tried }
  const root = opts.root ?? findRoot()
  const explicit = opts.nativeBinding ?? env.CHORDWARP_NATIVE_BINDING
  if (root === null && !explicit)
    return {
      addon: null,
      path: null,
      source: null,
      reason: 'native/ not found next to the application',
      tried,
    }
  const list = candidates(root ?? dirname(explicit!), explicit)
  const require = createRequire(import.meta.url)
  for (const c of list) {
    if (!existsSync(c.path)) {
      if (c.source === 'explicit') tried.push({ path: c.path, error: 'file not found' })
      continue
    }
    try {
      const addon = require(c.path) as NativeAddon
      if (typeof addon.run !== 'function' || typeof addon.runAsync !== 'function')
        throw new Error('not a chordwarp_native addon (run/runAsync missing)')
      tried.push({ path: c.path, error: null })
      return { addon, path: c.path, source: c.source, reason: null, tried }
    } catch (e) {
      tried.push({ path: c.path, error: (e as Error).message.split('\n')[0]! })
    }
  }
  const failed = tried.filter((t) => t.error !== null)
  const reason =
    failed.length > 0
      ? failed.map((f) => `${f.path} did not load: ${f.error}`).join('; ')
      : ((root && buildFailure(root)) ?? 'not built (run "npm run build:native"; a C++ compiler is needed)')
  return { addon: null, path: null, source: null, reason, tried }
}
