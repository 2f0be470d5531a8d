/** kernels.f32.ts is generated from kernels.f64.ts and must not drift. */
import { spawnSync } from 'node:child_process'
import { expect, test } from 'vitest'
import { REPO_ROOT } from '../../helpers/corpus'

test('src/core/dtw/kernels.f32.ts is up to date (node scripts/gen-dtw-kernels.mjs)', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-dtw-kernels.mjs', '--check'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
})
