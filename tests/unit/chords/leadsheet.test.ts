import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  ChordSyntaxError,
  formatHarte,
  mergeRepeats,
  parseLeadSheetSymbol,
  parseSequence,
  parseSequenceStrict,
} from '../../../src/core/chords'

const labels = (text: string) => parseSequenceStrict(text).map((c) => c.label)

describe('lead-sheet symbols', () => {
  test.each([
    ['Am7', 'A:min7'],
    ['C/E', 'C:maj/3'],
    ['Bb', 'Bb:maj'],
    ['F#m', 'F#:min'],
    ['G7sus4', 'G:sus4(b7)'],
    ['Gsus', 'G:sus4'],
    ['Dsus2', 'D:sus2'],
    ['Cmaj7', 'C:maj7'],
    ['CΔ7', 'C:maj7'],
    ['CM7', 'C:maj7'],
    ['Cm(maj7)', 'C:minmaj7'],
    ['CmM7', 'C:minmaj7'],
    ['Cm7b5', 'C:hdim7'],
    ['Bø7', 'B:hdim7'],
    ['Cdim', 'C:dim'],
    ['C°7', 'C:dim7'],
    ['Caug', 'C:aug'],
    ['C+7', 'C:aug(b7)'],
    ['C6', 'C:maj6'],
    ['Cm6', 'C:min6'],
    ['F6/9', 'F:maj6(9)'],
    ['C9', 'C:9'],
    ['Dm9', 'D:min9'],
    ['C11', 'C:11'],
    ['C13', 'C:13'],
    ['Cadd9', 'C:maj(9)'],
    ['C5', 'C:5'],
    ['C7b9', 'C:7(b9)'],
    ['C7(b9,#11)', 'C:7(b9,#11)'],
    ['Ebmaj7#11', 'Eb:maj7(#11)'],
    ['Am7/G', 'A:min7/b7'],
    ['Caug/G#', 'C:aug/#5'],
    ['C/Bb', 'C:maj/b7'],
    ['C♯m', 'C#:min'],
  ])('%s → %s', (sym, harte) => {
    const c = parseLeadSheetSymbol(sym)
    expect(c && formatHarte(c)).toBe(harte)
  })
  test.each(['Hm', 'c', 'Cfoo', 'C#b', 'X7', 'C/H'])('%s is not a chord symbol', (bad) => {
    expect(parseLeadSheetSymbol(bad)).toBeNull()
  })
})

describe('sequences', () => {
  test('the issue example', () => {
    expect(labels('Am7 C/E Bb F#m G7sus4 N.C.')).toEqual([
      'A:min7',
      'C:maj/3',
      'Bb:maj',
      'F#:min',
      'G:sus4(b7)',
      'N',
    ])
  })
  test('Harte labels pass through canonicalised', () => {
    expect(labels('C:maj G A:min7/b7 N')).toEqual(['C:maj', 'G:maj', 'A:min7/b7', 'N'])
  })
  test('bar lines, a trailing line repeat, group repeats', () => {
    expect(labels('| C G | Am F | x2')).toEqual([
      'C:maj',
      'G:maj',
      'A:min',
      'F:maj',
      'C:maj',
      'G:maj',
      'A:min',
      'F:maj',
    ])
    expect(labels('(C G)x3 D')).toEqual(['C:maj', 'G:maj', 'C:maj', 'G:maj', 'C:maj', 'G:maj', 'D:maj'])
    expect(labels('((C G)x2 D)x2')).toEqual('C G C G D C G C G D'.split(' ').map((r) => `${r}:maj`))
  })
  test('repeat bars and the simile sign', () => {
    expect(labels('|: C | G :| D')).toEqual(['C:maj', 'G:maj', 'C:maj', 'G:maj', 'D:maj'])
    expect(labels('|: C | G :| x3')).toEqual('C G C G C G'.split(' ').map((r) => `${r}:maj`))
    expect(labels('| C | % | G |')).toEqual(['C:maj', 'C:maj', 'G:maj'])
  })
  test('comments and line breaks', () => {
    expect(labels('C G # verse\n// chorus\nAm F\r\nC')).toEqual(['C:maj', 'G:maj', 'A:min', 'F:maj', 'C:maj'])
  })
  test('a line repeat applies to its own line only', () => {
    expect(labels('D\n| C G | x2')).toEqual(['D:maj', 'C:maj', 'G:maj', 'C:maj', 'G:maj'])
  })
  test('errors name the token and line:col, and all errors are collected', () => {
    const r = parseSequence('C G\nAm Hm F Zz')
    expect(r.errors.map((e) => e.message)).toEqual(['unknown chord "Hm" at 2:4', 'unknown chord "Zz" at 2:9'])
    expect(r.chords.map((c) => c.label)).toEqual(['C:maj', 'G:maj', 'A:min', 'F:maj'])
    expect(() => parseSequenceStrict('C\n  Hm')).toThrow('unknown chord "Hm" at 2:3')
  })
  test('structural errors', () => {
    expect(parseSequence('C ) G').errors[0]!.message).toBe('unmatched ")" at 1:3')
    expect(parseSequence('(C G').errors[0]!.message).toBe('unclosed "(" at 1:1')
    expect(parseSequence('x2 C').errors[0]!.message).toMatch(/^"x2" must follow/)
  })
  test('tokens keep their source position', () => {
    const [a, b] = parseSequenceStrict('  Am\n F')
    expect([a!.line, a!.col, b!.line, b!.col]).toEqual([1, 3, 2, 2])
  })
  test('mergeRepeats merges adjacent equal labels only', () => {
    expect(mergeRepeats(parseSequenceStrict('C C G C')).map((c) => c.label)).toEqual([
      'C:maj',
      'G:maj',
      'C:maj',
    ])
  })
  test('garbage never throws, errors are typed with positions', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHmaj7#b/|:()x2%\n N.') }), (s) => {
        const r = parseSequence(s)
        for (const e of r.errors) {
          expect(e).toBeInstanceOf(ChordSyntaxError)
          expect(e.line).toBeGreaterThan(0)
          expect(e.col).toBeGreaterThan(0)
        }
      }),
      { numRuns: 3000 },
    )
  })
})
