// The test command (`npm test`): builds what the tests drive (the CLI bundle, and the renderer for the
// browser tests), runs every vitest suite, and ends with one line `N passed, N failed, N skipped`.
//   npm test                 everything
//   npm test -- tests/unit   only some files (arguments go to vitest)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1

if (run(process.execPath, ['scripts/build-node.mjs']) !== 0) process.exit(2)
// the native addon is built at install; rebuild it if native/ changed since (never test a stale addon)
if (run(process.execPath, ['scripts/build-native.mjs', '--if-stale']) !== 0) process.exit(2)
if (!process.env.CHORDWARP_SKIP_RENDERER_BUILD) {
  if (run(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build']) !== 0)
    process.exit(2)
}

mkdirSync(join(root, 'test-results'), { recursive: true })
const report = join(root, 'test-results', 'vitest.json')
const status = run(process.execPath, [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
])

if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  const failedSuites = (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length
  const failed = r.numFailedTests + failedSuites
  console.log(`\n${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`)
} else {
  console.log('\n0 passed, 1 failed (vitest wrote no report)')
}
process.exit(status)
