import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import {
  canonicalHarte,
  formatChordsTxt,
  formatLab,
  labToSequence,
  parseChordsTxt,
  parseLab,
  parseLabStrict,
} from '../../../src/core/chords'
import { corpusPath, hasCorpus, loadManifest } from '../../helpers/corpus'

describe('.lab', () => {
  test('tabs or spaces, comments, blank lines', () => {
    const r = parseLab('# ref\n0 1.5\tN\n\n1.5   3.25 C:maj\n3.25\t4\tA:min7/b7\n')
    expect(r.errors).toEqual([])
    expect(r.segments).toEqual([
      { start: 0, end: 1.5, label: 'N' },
      { start: 1.5, end: 3.25, label: 'C:maj' },
      { start: 3.25, end: 4, label: 'A:min7/b7' },
    ])
    expect(formatLab(r.segments)).toBe(
      '0.000000\t1.500000\tN\n1.500000\t3.250000\tC:maj\n3.250000\t4.000000\tA:min7/b7\n',
    )
  })
  test('gaps and overlaps are reported, garbage lines are errors with their line number', () => {
    const r = parseLab('0 1 C:maj\n1.5 2 G:maj\n1.9 3 F:maj\nhello\n3 2 C:maj\n4 5 C:blah\n')
    expect(r.warnings).toEqual([
      'gap of 0.500000 s before segment 2 (1.500000)',
      'overlap of 0.100000 s at segment 3 (1.900000)',
    ])
    expect(r.errors.map((e) => e.message)).toEqual([
      'line 4: expected "start end label", got "hello"',
      'line 5: end 2 is before start 3',
      'line 6: unknown quality ":blah" in "C:blah"',
    ])
    expect(r.segments).toHaveLength(3)
    expect(() => parseLabStrict('x y C')).toThrow('line 1: times must be numbers')
  })
  test('labToSequence merges repeats and drops N', () => {
    const segs = parseLabStrict('0 1 N\n1 2 C:maj\n2 3 C:maj\n3 4 N\n4 5 G:maj\n')
    expect(labToSequence(segs)).toEqual(['C:maj', 'G:maj'])
  })
})

describe('.chords.txt', () => {
  test('read and write', () => {
    expect(parseChordsTxt('C:maj G:maj A:min\n')).toEqual(['C:maj', 'G:maj', 'A:min'])
    expect(formatChordsTxt(['C:maj', 'G:maj'])).toBe('C:maj G:maj\n')
  })
})

describe.skipIf(!hasCorpus())('every file of ../shared/data round-trips', () => {
  const items = hasCorpus() ? loadManifest() : []
  test.each(items.map((i) => [i.id, i] as const))('%s', (_id, item) => {
    const labText = readFileSync(corpusPath(item.lab), 'utf8')
    const lab = parseLab(labText)
    expect(lab.errors).toEqual([])
    expect(lab.warnings).toEqual([])
    expect(formatLab(lab.segments)).toBe(labText)
    expect(lab.segments.at(-1)!.end).toBeCloseTo(item.duration_s, 5)
    for (const s of lab.segments) expect(canonicalHarte(s.label)).toBe(s.label)
    const txt = readFileSync(corpusPath(item.chords), 'utf8')
    const seq = parseChordsTxt(txt)
    expect(formatChordsTxt(seq)).toBe(txt)
    expect(seq).toEqual(labToSequence(lab.segments))
  })
})
