/** `chordwarp train` and `chordwarp experiment` as a user runs them: bad input gives one line and exit 1. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { chordwarp } from '../helpers/cli'

function oneLineError(r: { code: number | null; stdout: string; stderr: string }, text: string | RegExp) {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  if (typeof text === 'string') expect(lines[0]).toContain(text)
  else expect(lines[0]).toMatch(text)
}

describe('chordwarp train: bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-train-'))
  const manifest = join(dir, 'manifest.json')
  writeFileSync(manifest, JSON.stringify({ items: [] }))
  test('unknown values name the flag and the valid ones', () => {
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--loss', 'mse']),
      '--loss must be one of bce, cce, sdtw, ctc, got "mse"',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--gamma', '0']),
      '--gamma must be a number > 0, got "0"',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--gamma-schedule', '10:10']),
      '--gamma-schedule must be start:holdEpochs:end:decayEpochs',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--batch', 'some']),
      '--batch must be an integer ≥ 1 or "all"',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--preset', 'fast']),
      '--preset must be one of paper, author, stabilised',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--backend', 'gpu']),
      'unknown tfjs backend "gpu"',
    )
  })
  test('a missing manifest is named', () => {
    oneLineError(
      chordwarp(['train', '--manifest', join(dir, 'nope.json'), '--epochs', '1', '-o', join(dir, 'm.json')]),
      /manifest not found: .*nope\.json/,
    )
  })
  test('never overwrites a model file without --force', () => {
    const out = join(dir, 'exists.json')
    writeFileSync(out, '{}')
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '-o', out]),
      `${out} exists; choose another --out or pass --force`,
    )
  })
})

describe('chordwarp experiment seed-table: bad input', () => {
  test('unknown configuration ids and bad seeds are named', () => {
    oneLineError(
      chordwarp(['experiment', 'seed-table', '--only', 'bce,mse']),
      '--only: unknown configuration "mse"',
    )
    oneLineError(
      chordwarp(['experiment', 'seed-table', '--seeds', 'a,b']),
      '--seeds must be integers like 0,1,2, got "a,b"',
    )
  })
})
