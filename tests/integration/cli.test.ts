/** The CLI as a user runs it: `node bin/chordwarp.js …` (what `npx chordwarp` executes). */
import { describe, expect, test } from 'vitest'
import { chordwarp } from '../helpers/cli'

describe('chordwarp CLI', () => {
  test('chords parse --json prints the structured chord', () => {
    const r = chordwarp(['chords', 'parse', '--json', 'Am7/G'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      label: 'A:min7/b7',
      root: 9,
      quality: 'min7',
      bass: 'b7',
      majmin: 'A:min',
    })
  })
  test('an invalid symbol exits 1 with one line', () => {
    const r = chordwarp(['chords', 'parse', '--json', 'Hm7'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('"Hm7"')
  })
  test('reduce and format', () => {
    expect(chordwarp(['chords', 'reduce', 'C:7', 'A:min7', 'C:sus4', 'N']).stdout.trim()).toBe(
      'C:maj A:min X N',
    )
    expect(JSON.parse(chordwarp(['chords', 'reduce', '--to', 'root', '--json', 'Bb:min7']).stdout)).toEqual({
      labels: ['Bb'],
    })
    expect(chordwarp(['chords', 'format', 'C', 'Am7']).stdout.trim()).toBe('C:maj A:min7')
  })
  test('sequence expands repeats and reports the position of an error', () => {
    expect(JSON.parse(chordwarp(['chords', 'sequence', '--json', '(C G)x2 Am']).stdout).labels).toEqual([
      'C:maj',
      'G:maj',
      'C:maj',
      'G:maj',
      'A:min',
    ])
    const bad = chordwarp(['chords', 'sequence', 'C G\nAm Hm'])
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toBe('chordwarp: unknown chord "Hm" at 2:4')
  })
  test('--help lists every command of the design', () => {
    const r = chordwarp(['--help'])
    expect(r.code).toBe(0)
    for (const c of [
      'chords',
      'chroma',
      'dtw',
      'align',
      'recognize',
      'eval',
      'train',
      'experiment',
      'import',
      'export',
      'serve',
      'doctor',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`\\n  ${c}\\b`))
    }
  })
  test('an unknown command exits 1', () => {
    expect(chordwarp(['nosuch']).code).toBe(1)
  })
})
