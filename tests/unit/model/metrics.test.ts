import { describe, expect, it } from 'vitest'
import { frameScores, poolScores } from '../../../src/core/model'

describe('frameScores (seed: libfmp compute_eval_measures on one-hot matrices)', () => {
  it('hand-checked: N and X reference frames are no positives; chords estimated there are false positives', () => {
    // ref:  C  C  G  N  Am X      est: C  G  G  C  Am C
    const s = frameScores([0, 0, 7, 24, 21, -1], [0, 7, 7, 0, 21, 0])
    expect(s.tp).toBe(3)
    expect(s.estimated).toBe(6)
    expect(s.reference).toBe(4)
    expect(s.precision).toBeCloseTo(0.5, 12)
    expect(s.recall).toBeCloseTo(0.75, 12)
    expect(s.f).toBeCloseTo(0.6, 12)
  })
  it('an estimated N is a false negative only; no true positive gives 0', () => {
    const s = frameScores([0, 0], [24, 0])
    expect([s.precision, s.recall]).toEqual([1, 0.5])
    expect(frameScores([0], [5]).f).toBe(0)
    expect(() => frameScores([0], [])).toThrow(/1 reference vs 0/)
  })
  it('pools by summing counts (every frame weighs the same)', () => {
    const a = frameScores([0, 0, 0, 0], [0, 0, 0, 0])
    const b = frameScores([1, 1], [2, 2])
    const p = poolScores([a, b])
    expect(p.tp).toBe(4)
    expect(p.f).toBeCloseTo(4 / 6, 12)
  })
})
