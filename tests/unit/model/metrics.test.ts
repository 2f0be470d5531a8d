import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { classLabel, parseLabStrict } from '../../../src/core/chords'
import { framePrf, sampleClasses } from '../../../src/core/eval'
import { createRng, frameScores, poolScores, strongTargets } from '../../../src/core/model'
import { corpusPath, hasCorpus, loadManifest } from '../../helpers/corpus'

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

describe('agreement with src/core/eval (framePrf, sampleClasses)', () => {
  const fr = 22050 / 2048
  const toSegments = (cls: ArrayLike<number>) =>
    Array.from(cls, (c, t) => ({
      start: t / fr,
      end: (t + 1) / fr,
      label: c === -1 ? 'C:sus4' : classLabel(c),
    }))
  it('frameScores equals framePrf on the same frame grid (random classes with N and X)', () => {
    const rng = createRng(5)
    for (let trial = 0; trial < 20; trial++) {
      const T = 50 + rng.int(200)
      const draw = () => {
        const u = rng.next()
        return u < 0.1 ? 24 : u < 0.15 ? -1 : rng.int(24)
      }
      const ref = Int8Array.from({ length: T }, draw)
      const est = Int8Array.from({ length: T }, () => (rng.next() < 0.5 ? ref[rng.int(T)]! : draw()))
      const mine = frameScores(ref, est)
      const theirs = framePrf(toSegments(ref), toSegments(est), { frameRate: fr })
      expect(mine.tp).toBe(theirs.tp)
      expect(mine.estimated).toBe(theirs.tp + theirs.fp)
      expect(mine.reference).toBe(theirs.tp + theirs.fn)
      expect(mine.f).toBeCloseTo(theirs.f, 12)
    }
  })
  it.skipIf(!hasCorpus())('strongTargets equals sampleClasses on real .lab files', () => {
    for (const item of loadManifest().slice(0, 40)) {
      const segments = parseLabStrict(readFileSync(corpusPath(item.lab), 'utf8'))
      const T = Math.floor(item.duration_s * fr) + 1
      expect(Array.from(strongTargets(segments, T, fr))).toEqual(Array.from(sampleClasses(segments, T, fr)))
    }
  })
})
