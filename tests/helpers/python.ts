/** Running Debian's python3 (with python3-mir-eval / numpy, installed by .ci/run) for cross-checks. */
import { execFileSync, spawnSync } from 'node:child_process'

/** Debian's interpreter: a pyenv `python3` earlier on PATH does not see the apt packages. */
export const SYSTEM_PYTHON = '/usr/bin/python3'

/** Throws a clear instruction when the module cannot be imported (tests must not silently pass). */
export function requirePythonModule(mod: string, aptPackage: string): void {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', `import ${mod}`], { encoding: 'utf8' })
  if (r.status !== 0) {
    throw new Error(
      `${SYSTEM_PYTHON} cannot import ${mod}: run "apt-get install -y ${aptPackage}" (.ci/run does this)`,
    )
  }
}

/** Run a python script with JSON on stdin, returning its JSON stdout. */
export function runPythonJson<T>(script: string, input: unknown): T {
  const out = execFileSync(SYSTEM_PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  return JSON.parse(out) as T
}
