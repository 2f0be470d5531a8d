/** The library commands as a user runs them: import, library ls|show|rm|check, export, backup; errors in one line. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { chordwarp } from '../helpers/cli'
import { tempDir, wavBytes } from '../helpers/store'

let dir: string
let db: string
beforeEach(() => {
  dir = tempDir('cw-cli-')
  db = join(dir, 'lib.db')
  mkdirSync(join(dir, 'in'))
  writeFileSync(join(dir, 'in', 'tune.wav'), wavBytes(3, 8000, 1))
  writeFileSync(join(dir, 'in', 'tune.lab'), '0 1.5 A:min7\n1.5 3 D:7/3\n')
  writeFileSync(join(dir, 'in', 'tune.chords.txt'), 'Am7 D7/F#\n')
  writeFileSync(join(dir, 'in', 'other.wav'), wavBytes(2, 8000, 2))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A user error: exit 1, nothing on stdout, exactly one line on stderr. */
function expectOneLineError(r: ReturnType<typeof chordwarp>, text: RegExp) {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(text)
}

describe('library commands', () => {
  test('import → ls → show → export → backup → rm', () => {
    const imp = chordwarp(['import', join(dir, 'in'), '--db', db, '--tag', 'demo'])
    expect(imp.code, imp.stderr).toBe(0)
    expect(imp.stdout).toMatch(/^2 recordings from .* \(folder\) into .*lib\.db: 2 added, 0 relocated/)

    const ls = JSON.parse(chordwarp(['library', 'ls', '--db', db, '--json']).stdout)
    expect(ls.total).toBe(2)
    expect(ls.items.map((i: { name: string }) => i.name)).toEqual(['other', 'tune'])
    expect(ls.items[1].tags).toEqual(['demo'])
    const found = JSON.parse(chordwarp(['library', 'ls', '--db', db, '--json', '--search', 'tun']).stdout)
    expect(found.items.map((i: { name: string }) => i.name)).toEqual(['tune'])
    const text = chordwarp(['library', 'ls', '--db', db])
    expect(text.stdout.trim().split('\n')).toHaveLength(2)
    expect(text.stdout).toMatch(/tune\t0:03\t2 seg, draft \(imported\)\tdemo/)

    const show = JSON.parse(chordwarp(['library', 'show', 'tune', '--db', db, '--json']).stdout)
    expect(show.recording.name).toBe('tune')
    expect(show.present).toBe(true)
    expect(show.annotation.segments.map((s: { label: string }) => s.label)).toEqual(['A:min7', 'D:7/3'])
    expect(show.sequence.text).toBe('Am7 D7/F#')
    expect(show.revisions).toHaveLength(1)
    expect(chordwarp(['library', 'show', 'tune', '--db', db, '--lab']).stdout).toBe(
      '0.000000\t1.500000\tA:min7\n1.500000\t3.000000\tD:7/3\n',
    )

    const out = join(dir, 'out')
    const exp = chordwarp(['export', 'tune', '--out', out, '--db', db])
    expect(exp.code, exp.stderr).toBe(0)
    expect(readFileSync(join(out, 'tune.chords.txt'), 'utf8')).toBe('Am7 D7/F#\n')
    expectOneLineError(chordwarp(['export', 'tune', '--out', out, '--db', db]), /tune\.lab exists already/)
    expectOneLineError(chordwarp(['export', '--out', out, '--db', db]), /either a recording .* or --all/)

    const bak = chordwarp(['backup', join(dir, 'b.db'), '--db', db, '--json'])
    expect(bak.code, bak.stderr).toBe(0)
    expect(JSON.parse(bak.stdout).path).toBe(join(dir, 'b.db'))
    expectOneLineError(chordwarp(['backup', join(dir, 'b.db'), '--db', db]), /exists already.*--force/)
    expect(JSON.parse(chordwarp(['library', 'ls', '--db', join(dir, 'b.db'), '--json']).stdout).total).toBe(2)

    expectOneLineError(chordwarp(['library', 'rm', 'tune', '--db', db]), /has 1 saved revision: pass --yes/)
    const rm = chordwarp(['library', 'rm', 'tune', '--yes', '--db', db])
    expect(rm.stdout).toMatch(/removed "tune" \(id \d+\) and 1 revisions/)
    expect(chordwarp(['library', 'rm', 'other', '--db', db]).code).toBe(0)
    expect(JSON.parse(chordwarp(['library', 'ls', '--db', db, '--json']).stdout).total).toBe(0)
    expect(chordwarp(['library', 'check', '--db', db]).stdout).toMatch(/: ok \(schema v4\)/)
  })

  test('CHORDWARP_DB is the default library; a missing one is empty for ls and an error for show', () => {
    const env = { CHORDWARP_DB: db }
    const ls = chordwarp(['library', 'ls', '--json'], undefined, env)
    expect(JSON.parse(ls.stdout)).toEqual({ db, total: 0, items: [] })
    expect(existsSync(db)).toBe(false)
    expectOneLineError(
      chordwarp(['library', 'show', '1'], undefined, env),
      /no library at .*chordwarp import/,
    )
    expect(chordwarp(['import', join(dir, 'in', 'tune.wav')], undefined, env).code).toBe(0)
    expect(JSON.parse(chordwarp(['library', 'ls', '--json'], undefined, env).stdout).total).toBe(1)
    expectOneLineError(
      chordwarp(['library', 'show', 'nope'], undefined, env),
      /no recording "nope" in the library/,
    )
  })

  test('a garbage .lab: exit 1, one line naming file and line, nothing imported', () => {
    writeFileSync(join(dir, 'in', 'tune.lab'), '0 1.5 A:min7\n1.5 three D:7\n')
    expectOneLineError(
      chordwarp(['import', join(dir, 'in'), '--db', db]),
      /tune\.lab line 2: times must be numbers.*nothing imported; fix the file, or pass --skip-invalid/,
    )
    expect(JSON.parse(chordwarp(['library', 'ls', '--db', db, '--json']).stdout).total).toBe(0)
    const r = chordwarp(['import', join(dir, 'in'), '--db', db, '--skip-invalid'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^skipped: .*tune\.wav: tune\.lab line 2/m)
    expect(r.stdout).toMatch(/1 added.*1 skipped/)
  })
})
