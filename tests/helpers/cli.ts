/** Running the CLI as a user does: `node bin/chordwarp.js …` (what `npx chordwarp` executes). */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from './corpus'

export function chordwarp(args: string[], input?: string, env?: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/chordwarp.js'), ...args], {
    encoding: 'utf8',
    input,
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 512 * 1024 * 1024,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
