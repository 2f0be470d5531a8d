import { describe, expect, it } from 'vitest'
import {
  classDistribution,
  coarseSequence,
  dedup,
  labelClass,
  oneHot,
  padSequence,
  sequenceClasses,
  softTarget,
  strongTargets,
  unfoldSequence,
} from '../../../src/core/model'

const C = 0
const G = 7
const F = 5
const Am = 12 + 9
const N = 24
const X = -1

describe('labelClass', () => {
  it('maps Harte labels to the 24 classes, N and X', () => {
    expect(labelClass('C:maj')).toBe(C)
    expect(labelClass('A:min7')).toBe(Am)
    expect(labelClass('Bb:maj/3')).toBe(10)
    expect(labelClass('N')).toBe(N)
    expect(labelClass('C:sus4')).toBe(X)
  })
})

describe('strongTargets', () => {
  const lab = [
    { start: 0, end: 0.5, label: 'N' },
    { start: 0.5, end: 1.5, label: 'C:maj' },
    { start: 1.5, end: 2.2, label: 'A:min' },
  ]
  it('takes the label of the segment holding time t / frameRate', () => {
    // frameRate 2: times 0, .5, 1, 1.5, 2, 2.5 → N, C, C, Am, Am, (past the end) N
    expect(Array.from(strongTargets(lab, 6, 2))).toEqual([N, C, C, Am, Am, N])
  })
  it('treats a boundary as the start of the next segment', () => {
    expect(strongTargets(lab, 4, 1)[1]).toBe(C) // t = 1 s lies in [0.5, 1.5)
    expect(strongTargets(lab, 4, 1 / 1.5)[1]).toBe(Am) // t = 1.5 s starts A:min
  })
})

describe('dedup and coarse sequences', () => {
  it('removes adjacent repetitions only', () => {
    expect(dedup([C, C, G, G, G, C, Am, Am])).toEqual([C, G, C, Am])
    expect(dedup([])).toEqual([])
  })
  it('drops N and X after merging, like a .chords.txt (A N A gives A A)', () => {
    expect(coarseSequence([N, N, Am, Am, N, Am, X, X, C, N])).toEqual([Am, Am, C])
  })
  it('reads typed labels, dropping N and labels outside maj/min', () => {
    expect(sequenceClasses(['C:maj', 'N', 'G:7', 'C:sus4', 'A:min7'])).toEqual([C, G, Am])
  })
})

describe('padSequence (seed Fig. 4.2)', () => {
  const seq = [C, G, Am, F, C] // K = 5, as the seed's example
  it('uniform to 16: 3 copies each, the remainder spread evenly', () => {
    const p = padSequence(seq, 16, 'uniform')
    expect(p).toHaveLength(16)
    expect(p).toEqual([C, C, C, G, G, G, Am, Am, Am, F, F, F, C, C, C, C])
    expect(dedup(p)).toEqual(seq)
  })
  it('uniform to 8 from 3 elements: floor((k+1)L/K) − floor(kL/K) copies', () => {
    expect(padSequence([1, 2, 3], 8, 'uniform')).toEqual([1, 1, 2, 2, 2, 3, 3, 3])
  })
  it('uniform to 75: 15 copies each', () => {
    const p = padSequence(seq, 75, 'uniform')
    expect(p).toHaveLength(75)
    for (let k = 0; k < 5; k++) expect(p.slice(15 * k, 15 * k + 15).every((c) => c === seq[k])).toBe(true)
  })
  it('last: the sequence then copies of its last element', () => {
    expect(padSequence(seq, 8, 'last')).toEqual([C, G, Am, F, C, C, C, C])
    expect(padSequence(seq, 75, 'last').filter((c) => c === C)).toHaveLength(72)
  })
  it('leaves a sequence longer than the soft length unchanged', () => {
    const long = Array.from({ length: 20 }, (_, i) => i % 24)
    expect(padSequence(long, 16, 'uniform')).toEqual(long)
    expect(padSequence(long, 16, 'last')).toEqual(long)
  })
  it('unfold stretches to the input length', () => {
    const u = unfoldSequence(seq, 150)
    expect(u).toHaveLength(150)
    expect(u.filter((c) => c === G)).toHaveLength(30)
    expect(softTarget(seq, 'unfold', 16, 150)).toEqual(u)
    expect(softTarget(seq, 'none', 16, 150)).toEqual(seq)
  })
})

describe('classDistribution (seed Tables 4.2/4.3)', () => {
  it('counts major, minor, N and X', () => {
    expect(
      classDistribution([
        [C, C, Am, N],
        [X, G],
      ]),
    ).toEqual({ major: 3, minor: 1, noChord: 1, excluded: 1, total: 6 })
  })
})

describe('oneHot', () => {
  it('gives one 1 per chord row and zero rows for N / X', () => {
    const h = oneHot([C, N, Am, X])
    expect(h).toHaveLength(4 * 24)
    expect(h[0]).toBe(1)
    expect(h.subarray(24, 48).every((v) => v === 0)).toBe(true)
    expect(h[48 + Am]).toBe(1)
    expect(h.reduce((a, b) => a + b, 0)).toBe(2)
  })
})
