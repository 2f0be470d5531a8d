// Builds the native DTW addon (native/ → native/build/Release/chordwarp_native.node) with node-gyp, with the
// CUDA kernels when nvcc is found. See docs/native.md "Building".
//
//   node scripts/build-native.mjs              build (exit 1 if impossible) — `npm run build:native`
//   node scripts/build-native.mjs --install    npm's install hook: never fails; a build that is impossible
//                                              writes the reason to native/build/unavailable.json
//   node scripts/build-native.mjs --if-stale   rebuild only if native/ changed since the last attempt
//                                              (scripts/test.mjs uses this so tests never run a stale addon)
//
// Environment:
//   CHORDWARP_NATIVE_MARCH   -march of the kernels (default "native": this machine's SIMD; "x86-64-v3" for
//                            AVX2 builds meant for other machines; "none" for the compiler's default)
//   CHORDWARP_CUDA=0         build without CUDA even when nvcc is present
//   CHORDWARP_CUDA_HOME      CUDA toolkit (default: CUDA_HOME, CUDA_PATH, the directory of nvcc on PATH,
//                            /usr/local/cuda)
//   CHORDWARP_CUDA_ARCHS     SM list for nvcc (default 75,80,86,89,90: Turing … Hopper, + PTX of the last)
//   CHORDWARP_SKIP_NATIVE_BUILD=1   skip (records the reason; the TypeScript engine is used)
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const nativeDir = join(root, 'native')
const buildDir = join(nativeDir, 'build')
const addonPath = join(buildDir, 'Release', 'chordwarp_native.node')
const infoPath = join(buildDir, 'build-info.json')
const unavailablePath = join(buildDir, 'unavailable.json')
const logPath = join(buildDir, 'build.log')

const args = new Set(process.argv.slice(2))
const install = args.has('--install')
const ifStale = args.has('--if-stale')
const env = process.env

const say = (s) => process.stderr.write(`build-native: ${s}\n`)

/** sha256 over native/binding.gyp and native/src/** (same as src/backend/native/loader.ts nativeSourceHash). */
function sourceHash() {
  const files = [join(nativeDir, 'binding.gyp')]
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else files.push(p)
    }
  }
  walk(join(nativeDir, 'src'))
  const h = createHash('sha256')
  for (const f of files) {
    h.update(relative(nativeDir, f).split('\\').join('/'))
    h.update('\0')
    h.update(readFileSync(f))
    h.update('\0')
  }
  return h.digest('hex')
}

function readJson(p) {
  try {
    return JSON.parse(readFileSync(p, 'utf8'))
  } catch {
    return null
  }
}

function record(path, obj) {
  mkdirSync(buildDir, { recursive: true })
  writeFileSync(path, `${JSON.stringify(obj, null, 2)}\n`)
}

/** Give up: record why (install: exit 0 so that npm install succeeds; else exit 1). */
function unavailable(reason, hash, log = '') {
  record(unavailablePath, {
    reason,
    sourceHash: hash,
    at: new Date().toISOString(),
    logTail: log.slice(-4000),
  })
  rmSync(infoPath, { force: true })
  say(`native addon NOT built: ${reason}`)
  say('the TypeScript DTW engine will be used; `chordwarp doctor` shows this reason')
  process.exit(install ? 0 : 1)
}

function findNodeGyp() {
  const c = [
    env.npm_config_node_gyp, // set by npm for lifecycle scripts (its bundled node-gyp)
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ]
  return c.find((p) => p && existsSync(p)) ?? null
}

/** Node's headers: npm's nodedir (.npmrc), else the prefix of this node binary if it ships include/node. */
function findNodeDir() {
  if (env.npm_config_nodedir) return env.npm_config_nodedir
  const prefix = resolve(dirname(process.execPath), '..')
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null
}

function which(cmd) {
  for (const d of (env.PATH ?? '').split(':')) {
    const p = join(d, cmd)
    if (d && existsSync(p)) return p
  }
  return null
}

/** A CUDA toolkit with nvcc and the static runtime, or the reason there is none. */
function findCuda() {
  if (env.CHORDWARP_CUDA === '0')
    return { home: null, reason: 'CUDA disabled at build time (CHORDWARP_CUDA=0)' }
  const onPath = which('nvcc')
  const fromNvcc = onPath ? realpathSync(onPath) : null
  const homes = [
    env.CHORDWARP_CUDA_HOME,
    env.CUDA_HOME,
    env.CUDA_PATH,
    fromNvcc ? resolve(dirname(fromNvcc), '..') : null,
    '/usr/local/cuda',
  ].filter(Boolean)
  let partial = null
  for (const h of homes) {
    const nvcc = join(h, 'bin', 'nvcc')
    if (!existsSync(nvcc)) continue
    if (!existsSync(join(h, 'lib64', 'libcudart_static.a'))) {
      partial ??= `${h} has nvcc but no lib64/libcudart_static.a`
      continue
    }
    const v = spawnSync(nvcc, ['--version'], { encoding: 'utf8' })
    const m = /release ([\d.]+)/.exec(v.stdout ?? '')
    return { home: h, nvcc, version: m ? m[1] : 'unknown', reason: '' }
  }
  return {
    home: null,
    reason:
      partial ??
      'no CUDA toolkit found at build time (nvcc not on PATH, CUDA_HOME unset, no /usr/local/cuda)',
  }
}

function gyp(nodeGyp, nodeDir, vars) {
  const a = [nodeGyp, 'rebuild', '--directory', nativeDir, `--jobs=${Math.max(1, cpus().length)}`]
  if (nodeDir) a.push(`--nodedir=${nodeDir}`)
  a.push('--', ...Object.entries(vars).map(([k, v]) => `-D${k}=${v}`))
  const r = spawnSync(process.execPath, a, { cwd: nativeDir, encoding: 'utf8', env, maxBuffer: 64 << 20 })
  return { ok: r.status === 0, log: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` }
}

/** Load the built addon in a fresh process (a build that links but cannot load is no build). */
function loads() {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `const a = require(${JSON.stringify(addonPath)}); if (typeof a.run !== 'function') process.exit(3)`,
    ],
    { encoding: 'utf8' },
  )
  return r.status === 0 ? null : (r.stderr || `exit ${r.status}`).trim().split('\n')[0]
}

const hash = sourceHash()
if (ifStale) {
  const info = readJson(infoPath)
  const failed = readJson(unavailablePath)
  if (info?.sourceHash === hash && existsSync(addonPath)) process.exit(0)
  if (!info && failed?.sourceHash === hash) process.exit(0) // same sources, known impossible: do not retry
  say(info || failed ? 'native/ changed since the last build: rebuilding' : 'not built yet: building')
}
if (env.CHORDWARP_SKIP_NATIVE_BUILD === '1')
  unavailable('build skipped (CHORDWARP_SKIP_NATIVE_BUILD=1)', hash)

const nodeGyp = findNodeGyp()
if (!nodeGyp) unavailable('node-gyp not found (neither npm_config_node_gyp nor node_modules/node-gyp)', hash)
const nodeDir = findNodeDir()
const march = env.CHORDWARP_NATIVE_MARCH || 'native'
const archs = env.CHORDWARP_CUDA_ARCHS || '75,80,86,89,90'
const cuda = findCuda()

const t0 = Date.now()
let log = ''
let built = null
let cudaReason = cuda.reason
if (cuda.home) {
  say(
    `building with CUDA ${cuda.version} (${cuda.home}, sm ${archs}), -march=${march}; nvcc takes a few minutes`,
  )
  const r = gyp(nodeGyp, nodeDir, { march, cuda_home: cuda.home, cuda_archs: archs })
  log += r.log
  if (r.ok) built = 'cuda'
  else {
    const err = r.log.split('\n').find((l) => /error/i.test(l)) ?? 'see native/build/build.log'
    cudaReason = `the CUDA build failed (${err.trim().slice(0, 300)}); built CPU-only`
    say(cudaReason)
  }
}
if (!built) {
  say(`building CPU-only (-march=${march})${cuda.home ? '' : `: ${cuda.reason}`}`)
  const r = gyp(nodeGyp, nodeDir, { march })
  log += r.log
  if (r.ok) built = 'cpu'
}
mkdirSync(buildDir, { recursive: true })
writeFileSync(logPath, log)
if (!built) {
  const err = log.split('\n').filter((l) => /error|not found|No such file/i.test(l))
  unavailable(
    `the C++ build failed: ${(err[0] ?? 'see native/build/build.log').trim().slice(0, 300)} (a C++17 compiler, make and python3 are needed)`,
    hash,
    log,
  )
}
const loadError = loads()
if (loadError) unavailable(`the addon was built but does not load: ${loadError}`, hash, log)
const cxx =
  spawnSync(env.CXX || 'c++', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'unknown'
record(infoPath, {
  builtAt: new Date().toISOString(),
  sourceHash: hash,
  march,
  cuda: {
    compiled: built === 'cuda',
    reason: built === 'cuda' ? '' : cudaReason,
    nvcc: cuda.home ? cuda.nvcc : null,
    archs: built === 'cuda' ? archs : null,
  },
  compiler: cxx,
  seconds: Math.round((Date.now() - t0) / 1000),
})
rmSync(unavailablePath, { force: true })
say(
  `built ${relative(root, addonPath)} (${built === 'cuda' ? 'CPU + CUDA' : 'CPU only'}) in ${Math.round((Date.now() - t0) / 1000)} s`,
)
