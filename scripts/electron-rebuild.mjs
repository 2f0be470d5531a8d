// Builds better-sqlite3 for the installed Electron's ABI into out/electron-native/better_sqlite3.node,
// leaving node_modules (the Node-ABI build the CLI and the tests load) untouched. Electron's main
// process passes that file to openStore(path, { nativeBinding }).
//
//   node scripts/electron-rebuild.mjs                     headers from electronjs.org (needs the network)
//   node scripts/electron-rebuild.mjs --headers DIR|TGZ   offline: Electron's node headers (node-v<ver>-headers.tar.gz
//                                                         from <dist-url>/v<ver>/, or its extracted node_headers/ folder)
//   node scripts/electron-rebuild.mjs --dist-url URL      a mirror of https://www.electronjs.org/headers
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rebuild } from '@electron/rebuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, 'out', 'electron-native')
const stage = join(outDir, 'stage')

function arg(name) {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : undefined
}
function fail(msg) {
  process.stderr.write(`electron-rebuild: ${msg}\n`)
  process.exit(1)
}
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'))

const electronPkg = join(root, 'node_modules', 'electron', 'package.json')
if (!existsSync(electronPkg)) fail('electron is not installed (npm ci installs it as a dev dependency)')
const electronVersion = readJson(electronPkg).version
const abiFile = join(root, 'node_modules', 'electron', 'abi_version')
const abi = existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : null
const sqlite = join(root, 'node_modules', 'better-sqlite3')
const sqliteVersion = readJson(join(sqlite, 'package.json')).version

// Stage a copy of better-sqlite3's sources (not its Node build) as the only dependency of a tiny project.
rmSync(stage, { recursive: true, force: true })
mkdirSync(join(stage, 'node_modules'), { recursive: true })
cpSync(sqlite, join(stage, 'node_modules', 'better-sqlite3'), {
  recursive: true,
  filter: (src) => !src.startsWith(join(sqlite, 'build')),
})
writeFileSync(
  join(stage, 'package.json'),
  JSON.stringify({
    name: 'chordwarp-electron-native',
    private: true,
    dependencies: { 'better-sqlite3': sqliteVersion },
  }),
)

// The repository's .npmrc points node-gyp at Node's own headers (nodedir=/usr); for Electron that
// would build the wrong ABI. Only headers given with --headers may take that place.
const env = { ...process.env }
for (const k of Object.keys(env)) if (k.toLowerCase() === 'npm_config_nodedir') delete env[k]
const headers = arg('--headers')
let nodedir
if (headers) {
  const h = resolve(headers)
  if (!existsSync(h)) fail(`--headers ${h} does not exist`)
  if (statSync(h).isDirectory()) nodedir = h
  else {
    const x = mkdtempSync(join(tmpdir(), 'electron-headers-'))
    execFileSync('tar', ['-xzf', h, '-C', x])
    const sub = readdirSync(x)
      .map((d) => join(x, d))
      .find((d) => existsSync(join(d, 'include', 'node', 'node.h')))
    if (!sub)
      fail(`${h} holds no include/node/node.h: is it Electron's node-v${electronVersion}-headers.tar.gz?`)
    nodedir = sub
  }
  if (!existsSync(join(nodedir, 'include', 'node', 'node_version.h')))
    fail(`${nodedir} has no include/node/node_version.h: not a headers folder`)
  env.npm_config_nodedir = nodedir
}
Object.assign(process.env, env)
for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k]

const t0 = Date.now()
process.stderr.write(
  `electron-rebuild: better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${abi ?? '?'})${nodedir ? ` with headers ${nodedir}` : ''}\n`,
)
try {
  await rebuild({
    buildPath: stage,
    electronVersion,
    onlyModules: ['better-sqlite3'],
    force: true,
    buildFromSource: true,
    mode: 'sequential',
    headerURL: arg('--dist-url'),
  })
} catch (e) {
  const m = String(e?.message ?? e)
  rmSync(stage, { recursive: true, force: true })
  fail(
    `the build failed (${m.split('\n')[0]}).` +
      (nodedir
        ? ''
        : ` If Electron's headers could not be downloaded (offline), pass --headers <node-v${electronVersion}-headers.tar.gz or its node_headers folder>, or --dist-url <mirror>.`),
  )
}
const built = join(stage, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
if (!existsSync(built)) fail(`the build finished but ${built} is missing`)
// a V8-API addon registers itself as node_register_module_v<ABI>: check it is Electron's
const marker = /node_register_module_v(\d+)/.exec(readFileSync(built).toString('latin1'))
if (abi && marker && marker[1] !== abi) {
  rmSync(stage, { recursive: true, force: true })
  fail(`built for ABI ${marker[1]}, but Electron ${electronVersion} needs ${abi}`)
}
const target = join(outDir, 'better_sqlite3.node')
cpSync(built, target)
writeFileSync(
  join(outDir, 'info.json'),
  `${JSON.stringify({ electron: electronVersion, abi, betterSqlite3: sqliteVersion, builtAt: new Date().toISOString() }, null, 2)}\n`,
)
rmSync(stage, { recursive: true, force: true })
process.stderr.write(`electron-rebuild: ${target} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`)
