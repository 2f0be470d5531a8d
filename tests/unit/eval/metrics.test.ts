/** Closed-form cases for frame P/R/F, paired boundary deviation, corpus totals and weighted accuracy. */
import { describe, expect, test } from 'vitest'
import type { Segment } from '../../../src/core/chords'
import {
  chordTokens,
  corpusScores,
  evaluateChords,
  framePrf,
  median,
  pairedBoundaryDeviation,
  weightedAccuracy,
} from '../../../src/core/eval'

const seg = (start: number, end: number, label: string): Segment => ({ start, end, label })

describe('framePrf', () => {
  const ref = [seg(0, 2, 'N'), seg(2, 6, 'C:maj'), seg(6, 10, 'A:min7')]
  test('perfect estimate: P = R = F = 1, N frames are not positives', () => {
    const r = framePrf(ref, ref, { frameRate: 10 })
    expect(r).toMatchObject({ precision: 1, recall: 1, f: 1, tp: 80, fp: 0, fn: 0, frames: 100 })
  })
  test('a chord over reference N is a false positive, N over a chord a false negative', () => {
    const est = [seg(0, 3, 'C:maj'), seg(3, 6, 'N'), seg(6, 10, 'A:min')]
    const r = framePrf(ref, est, { frameRate: 10 })
    // TP: C on 2–3 (10 frames) + Am on 6–10 (40) = 50; est positives 30 + 40 = 70; ref positives 80
    expect(r).toMatchObject({ tp: 50, fp: 20, fn: 30 })
    expect(r.precision).toBeCloseTo(50 / 70, 12)
    expect(r.recall).toBeCloseTo(50 / 80, 12)
    expect(r.f).toBeCloseTo((2 * (5 / 7) * (5 / 8)) / (5 / 7 + 5 / 8), 12)
  })
  test('includeN makes N a 25th class', () => {
    const est = [seg(0, 10, 'N')]
    expect(framePrf(ref, est, { frameRate: 10 }).tp).toBe(0)
    expect(framePrf(ref, est, { frameRate: 10, includeN: true })).toMatchObject({ tp: 20, fp: 80, fn: 80 })
  })
  test('labels outside maj/min are no positives; TP = 0 gives zeros', () => {
    const r = framePrf([seg(0, 1, 'C:sus4')], [seg(0, 1, 'C:sus4')], { frameRate: 10 })
    expect(r).toMatchObject({ precision: 0, recall: 0, f: 0, tp: 0 })
  })
})

describe('pairedBoundaryDeviation', () => {
  test('token i against token i, plus the end of the last token', () => {
    const ref = [seg(0, 1, 'N'), seg(1, 3, 'C:maj'), seg(3, 5, 'G:maj'), seg(5, 6, 'N')]
    const est = [seg(0, 1.1, 'N'), seg(1.1, 2.8, 'C:maj'), seg(2.8, 5.5, 'G:maj'), seg(5.5, 6, 'N')]
    const d = pairedBoundaryDeviation(ref, est)!
    expect(d.deviations.map((x) => Number(x.toFixed(9)))).toEqual([0.1, 0.2, 0.5])
    expect(d.median).toBeCloseTo(0.2, 12)
  })
  test('null when the chord sequences differ in length', () => {
    expect(
      pairedBoundaryDeviation([seg(0, 1, 'C:maj')], [seg(0, 0.5, 'C:maj'), seg(0.5, 1, 'G:maj')]),
    ).toBeNull()
  })
  test('tokens merge adjacent repeats and drop N', () => {
    expect(chordTokens([seg(0, 1, 'C:maj'), seg(1, 2, 'C:maj'), seg(2, 3, 'N'), seg(3, 4, 'C:maj')])).toEqual(
      [seg(0, 2, 'C:maj'), seg(3, 4, 'C:maj')],
    )
  })
  test('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(Number.isNaN(median([]))).toBe(true)
  })
})

describe('corpus totals', () => {
  test('WCSR pools comparable durations: a long item weighs more', () => {
    const a = evaluateChords([seg(0, 10, 'C:maj')], [seg(0, 10, 'C:maj')]) // 10 s correct
    const b = evaluateChords([seg(0, 30, 'C:maj')], [seg(0, 30, 'G:maj')]) // 30 s wrong
    const c = evaluateChords([seg(0, 5, 'C:sus4')], [seg(0, 5, 'C:maj')]) // majmin: nothing comparable
    const t = corpusScores([a, b, c])
    expect(t.wcsr.majmin).toBeCloseTo(10 / 40, 12)
    expect(c.scores.majmin).toBe(0) // mir_eval returns 0 when nothing is comparable…
    expect(c.comparable.majmin).toBe(0) // …but the item adds no weight to the corpus total
    expect(t.duration).toBe(45)
    expect(t.items).toBe(3)
  })
})

describe('weightedAccuracy', () => {
  test('ignores -1, normalises by the comparable weight', () => {
    expect(weightedAccuracy([1, 0, -1], [1, 3, 100])).toBeCloseTo(0.25, 15)
  })
  test('0 when all weights are zero or nothing is comparable; errors on bad input', () => {
    expect(weightedAccuracy([1, 1], [0, 0])).toBe(0)
    expect(weightedAccuracy([-1, -1], [1, 1])).toBe(0)
    expect(() => weightedAccuracy([1], [1, 2])).toThrow(/length/)
    expect(() => weightedAccuracy([1], [-1])).toThrow(/non-negative/)
  })
})
