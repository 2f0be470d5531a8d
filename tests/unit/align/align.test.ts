/** Forced alignment on synthetic chroma with known boundaries. */
import { describe, expect, test } from 'vitest'
import { AlignError, type AlignResult, alignChords } from '../../../src/core/align'
import { durationKernel, oneSidedKernel } from '../../../src/core/align/duration'
import { parseSequenceStrict } from '../../../src/core/chords'
import { type SynthPart, synthChroma } from '../../helpers/synthChroma'

const FR = 21.533203125

/** Boundary time of frame index b (frame t centred at t / FR). */
const bt = (b: number) => (b - 0.5) / FR

function parts(spec: [string, number][]): SynthPart[] {
  return spec.map(([label, frames]) => ({ label, frames }))
}

/** Segments must tile [0, duration] without gaps. */
function expectTiling(r: AlignResult) {
  expect(r.segments[0]!.start).toBe(0)
  expect(r.segments[r.segments.length - 1]!.end).toBeCloseTo(r.duration, 12)
  for (let i = 1; i < r.segments.length; i++) expect(r.segments[i]!.start).toBe(r.segments[i - 1]!.end)
  for (const s of r.segments) {
    expect(s.end).toBeGreaterThan(s.start)
    expect(s.confidence).toBeGreaterThanOrEqual(0)
    expect(s.confidence).toBeLessThanOrEqual(1 + 1e-12)
  }
}

const SONG = parts([
  ['N', 30],
  ['A:min7', 40],
  ['C:maj/3', 35],
  ['F:maj', 50],
  ['G:7', 20],
  ['C:maj', 44],
  ['E:min', 37],
  ['N', 25],
])
const SONG_SEQ = ['A:min7', 'C:maj/3', 'F:maj', 'G:7', 'C:maj', 'E:min']

describe('alignChords: exact recovery', () => {
  test('frame-exact boundaries, rich labels kept, leading and trailing N', () => {
    const ch = synthChroma(SONG, { noise: 0.3, seed: 3 })
    const r = alignChords(ch, SONG_SEQ)
    expectTiling(r)
    expect(r.segments.map((s) => s.label)).toEqual(['N', ...SONG_SEQ, 'N'])
    expect(r.segments.map((s) => s.token)).toEqual([-1, 0, 1, 2, 3, 4, 5, -1])
    for (let i = 1; i < ch.bounds.length - 1; i++)
      expect(r.segments[i]!.start).toBeCloseTo(bt(ch.bounds[i]!), 9)
    expect(r.boundaries).toHaveLength(SONG_SEQ.length + 1)
    r.boundaries.forEach((b, j) => {
      expect(b.token).toBe(j)
      expect(b.time).toBeCloseTo(bt(ch.bounds[j + 1]!), 9)
    })
    expect(r.warnings).toEqual([])
    expect(r.transposition).toBe(0)
    expect(r.emission).toBe('template')
  })

  test('lead-sheet input: C/E becomes C:maj/3, repeat bars expand, adjacent repeats merge', () => {
    const seq = parseSequenceStrict('|: Am7 C/E :| F F G7').map((c) => c.label)
    expect(seq).toEqual(['A:min7', 'C:maj/3', 'A:min7', 'C:maj/3', 'F:maj', 'F:maj', 'G:7'])
    const ch = synthChroma(
      parts([
        ['A:min7', 30],
        ['C:maj/3', 30],
        ['A:min7', 30],
        ['C:maj/3', 30],
        ['F:maj', 60],
        ['G:7', 30],
      ]),
      { noise: 0.2 },
    )
    const r = alignChords(ch, seq)
    expect(r.tokens).toEqual(['A:min7', 'C:maj/3', 'A:min7', 'C:maj/3', 'F:maj', 'G:7'])
    expect(r.segments.map((s) => s.label)).toEqual(r.tokens)
    for (let i = 1; i < 6; i++) expect(r.segments[i]!.start).toBeCloseTo(bt(ch.bounds[i]!), 9)
  })

  test('without leading/trailing N the chords cover the whole recording', () => {
    const ch = synthChroma(SONG, { noise: 0.3, seed: 3 })
    const r = alignChords(ch, SONG_SEQ, { leadingN: false, trailingN: false })
    expectTiling(r)
    expect(r.segments.map((s) => s.label)).toEqual(SONG_SEQ)
  })

  test('a repeated progression is placed by the duration prior when the audio cannot tell', () => {
    // C G C G C G with equal lengths: any cycle shift fits the audio equally; the prior picks even ones
    const spec: [string, number][] = []
    for (let i = 0; i < 6; i++) spec.push([i % 2 === 0 ? 'C:maj' : 'G:maj', 40])
    const ch = synthChroma(parts(spec), { noise: 0.3, seed: 9 })
    const r = alignChords(ch, ['C:maj', 'G:maj', 'C:maj', 'G:maj', 'C:maj', 'G:maj'])
    for (let i = 1; i < 6; i++) expect(r.segments[i]!.start).toBeCloseTo(bt(ch.bounds[i]!), 9)
  })

  test('model probabilities as emissions', () => {
    const T = 150
    const probs = new Float32Array(T * 24)
    const truth = [0, 7, 21, 5] // C G Am F
    const lens = [30, 40, 50, 30]
    let t = 0
    truth.forEach((cls, i) => {
      for (let k = 0; k < lens[i]!; k++, t++) {
        for (let c = 0; c < 24; c++) probs[t * 24 + c] = 0.2 / 23
        probs[t * 24 + cls] = 0.8
      }
    })
    const ch = synthChroma(parts([['N', T]]))
    const r = alignChords(ch, ['C:maj', 'G:maj', 'A:min7', 'F:maj'], {
      model: { data: probs, classes: 24 },
      leadingN: false,
      trailingN: false,
    })
    expect(r.emission).toBe('model')
    expect(r.segments.map((s) => (s.start === 0 ? 0 : Math.round(s.start * FR + 0.5)))).toEqual([
      0, 30, 70, 120,
    ])
  })
})

describe('transposition guard', () => {
  test('audio a semitone above the typed chords is aligned exactly, with a warning', () => {
    const ch = synthChroma(SONG, { noise: 0.3, seed: 4, shift: 1 })
    const r = alignChords(ch, SONG_SEQ)
    expect(r.transposition).toBe(1)
    expect(r.transpositionScores['1']).toBeGreaterThan(r.transpositionScores['0']!)
    for (let i = 1; i < ch.bounds.length - 1; i++)
      expect(r.segments[i]!.start).toBeCloseTo(bt(ch.bounds[i]!), 9)
    expect(r.warnings.map((w) => w.kind)).toContain('transposed')
    // the labels stay as typed
    expect(r.segments[1]!.label).toBe('A:min7')
  })
  test('a semitone below: transposition −1; without the guard the alignment is wrong', () => {
    const ch = synthChroma(SONG, { noise: 0.3, seed: 5, shift: -1 })
    expect(alignChords(ch, SONG_SEQ).transposition).toBe(-1)
    const off = alignChords(ch, SONG_SEQ, { transpositionGuard: false })
    expect(off.transposition).toBe(0)
    const exact = off.segments.filter((s, i) => i > 0 && Math.abs(s.start - bt(ch.bounds[i]!)) < 1e-9).length
    expect(exact).toBeLessThan(SONG_SEQ.length)
  })
})

describe('anchors', () => {
  const ch = synthChroma(SONG, { noise: 0.3, seed: 3 })
  test('a locked boundary is kept exactly and marked locked; the rest is still exact', () => {
    const lock = { token: 3, time: 7.0 } // G:7 forced to start at 7.0 s (truth ≈ 7.41 s)
    const r = alignChords(ch, SONG_SEQ, { anchors: [lock] })
    expectTiling(r)
    const g7 = r.segments.find((s) => s.token === 3)!
    expect(g7.start).toBe(7.0)
    expect(r.boundaries[3]).toMatchObject({ time: 7.0, locked: true, confidence: 1 })
    // boundaries not adjacent to the lock are unaffected
    expect(r.boundaries[1]!.time).toBeCloseTo(bt(ch.bounds[2]!), 9)
    expect(r.boundaries[5]!.time).toBeCloseTo(bt(ch.bounds[6]!), 9)
    expect(r.anchors).toEqual([lock])
  })
  test('locking the first chord start and the last chord end forces N outside them', () => {
    const r = alignChords(ch, SONG_SEQ, {
      anchors: [
        { token: 0, time: 0.5 },
        { token: 6, time: 11.0 },
      ],
    })
    expectTiling(r)
    expect(r.segments[0]).toMatchObject({ start: 0, end: 0.5, label: 'N' })
    expect(r.segments[1]).toMatchObject({ start: 0.5, label: 'A:min7' })
    expect(r.segments[r.segments.length - 1]).toMatchObject({ start: 11.0, label: 'N' })
  })
  test('re-alignment recomputes only the regions next to a changed anchor', () => {
    const a1 = alignChords(ch, SONG_SEQ, { anchors: [{ token: 2, time: bt(ch.bounds[3]!) }] })
    expect(a1.recomputedRegions).toBe(2)
    const moved = { token: 4, time: 9.0 }
    const a2 = alignChords(ch, SONG_SEQ, { anchors: [...a1.anchors, moved], previous: a1 })
    // regions: [start, tok2) reused; [tok2, tok4) and [tok4, end) recomputed
    expect(a2.recomputedRegions).toBe(2)
    expect(a2.segments.filter((s) => s.token < 2 && s.token >= -1 && s.end <= a1.anchors[0]!.time)).toEqual(
      a1.segments.filter((s) => s.end <= a1.anchors[0]!.time),
    )
    expect(a2.segments.find((s) => s.token === 4)!.start).toBe(9.0)
    // the same anchors again: everything reused
    expect(alignChords(ch, SONG_SEQ, { anchors: a2.anchors, previous: a2 }).recomputedRegions).toBe(0)
  })
})

describe('confidence', () => {
  test('a boundary between similar chords is less certain than one between distant chords', () => {
    const ch = synthChroma(
      parts([
        ['C:maj', 40],
        ['C:maj7', 40], // differs from C:maj by one pitch class
        ['F#:maj', 40], // shares nothing with C:maj7
      ]),
      { noise: 0.5, seed: 11 },
    )
    const r = alignChords(ch, ['C:maj', 'C:maj7', 'F#:maj'], { leadingN: false, trailingN: false })
    expect(r.boundaries[1]!.confidence).toBeLessThan(r.boundaries[2]!.confidence)
    expect(r.boundaries[2]!.confidence).toBeGreaterThan(0.9)
  })
})

describe('warnings', () => {
  const MISSING = [
    'short-chord',
    'weak-evidence',
    'changing-harmony',
    'long-last-chord',
    'long-chord',
    'music-after-last-chord',
  ]
  test('a typo sharing notes with the true chord (Am typed for F) is flagged as weak evidence', () => {
    const ch = synthChroma(SONG, { noise: 0.3, seed: 3 })
    const typo = [...SONG_SEQ]
    typo[2] = 'A:min'
    const w = alignChords(ch, typo).warnings
    expect(w.map((x) => [x.kind, x.token])).toEqual([['weak-evidence', 2]])
    expect(w[0]!.message).toMatch(/chord 3 \(A:min, .*\) fits the audio much worse than F:maj/)
  })
  test('a typo the audio never plays (F# for F) is squeezed out and flagged', () => {
    const ch = synthChroma(SONG, { noise: 0.3, seed: 3 })
    const typo = [...SONG_SEQ]
    typo[2] = 'F#:maj'
    const w = alignChords(ch, typo).warnings
    // the typo itself, and at most its neighbours that had to absorb its audio; the only warning
    // about the whole sequence it may add is poor-fit (the typo holds 22 % of this short song's music)
    expect(w.some((x) => x.token === 2 && ['short-chord', 'weak-evidence'].includes(x.kind))).toBe(true)
    for (const x of w)
      if (x.token === undefined) expect(x.kind).toBe('poor-fit')
      else expect([1, 2, 3]).toContain(x.token)
  })
  test('a final chord that absorbs a long tail', () => {
    const ch = synthChroma(
      parts([
        ['C:maj', 43],
        ['G:maj', 43],
        ['A:min', 43],
        ['F:maj', 43],
        ['C:maj', 43],
        ['G:maj', 500],
      ]),
      { noise: 0.3 },
    )
    const w = alignChords(ch, ['C:maj', 'G:maj', 'A:min', 'F:maj', 'C:maj', 'G:maj']).warnings
    expect(w.map((x) => x.kind)).toEqual(['long-last-chord'])
    expect(w[0]!.message).toMatch(/last chord \(G:maj\) lasts 2\d\.\d s/)
  })
  test('music after the typed chords: never silent', () => {
    const spec: [string, number][] = [
      ['C:maj', 43],
      ['G:maj', 43],
      ['A:min', 43],
      ['F:maj', 43],
    ]
    for (let i = 0; i < 8; i++) spec.push([i % 2 ? 'E:min' : 'D:min', 43])
    const ch = synthChroma(parts(spec), { noise: 0.3 })
    const kinds = alignChords(ch, ['C:maj', 'G:maj', 'A:min', 'F:maj']).warnings.map((w) => w.kind)
    expect(kinds.some((k) => MISSING.includes(k))).toBe(true)
  })
  test('chords missing from a repeated progression: the spread-out chords are flagged', () => {
    const spec: [string, number][] = []
    for (let i = 0; i < 16; i++) spec.push([['C:maj', 'G:maj', 'A:min', 'F:maj'][i % 4]!, 43])
    const ch = synthChroma(parts(spec), { noise: 0.3 })
    const w = alignChords(
      ch,
      spec.slice(0, 6).map(([l]) => l),
    ).warnings
    expect(w.some((x) => MISSING.includes(x.kind))).toBe(true)
  })
  test('more chords than plausible in the time: dense sequence and squeezed chords', () => {
    const ch = synthChroma(parts([['C:maj', 40]]), { noise: 0.3 })
    const seq = Array.from({ length: 30 }, (_, i) => ['C:maj', 'G:maj', 'D:min'][i % 3]!)
    const kinds = alignChords(ch, seq).warnings.map((w) => w.kind)
    expect(kinds).toContain('dense-sequence')
    expect(kinds).toContain('short-chord')
  })
  test('a correct sequence on clean audio gives no warning', () => {
    expect(alignChords(synthChroma(SONG, { noise: 0.3, seed: 3 }), SONG_SEQ).warnings).toEqual([])
  })
})

describe('errors', () => {
  const ch = synthChroma(parts([['C:maj', 20]]))
  test.each([
    [[], /empty/],
    [Array.from({ length: 21 }, (_, i) => (i % 2 ? 'C:maj' : 'G:maj')), /21 chords.*at most 20/],
  ])('sequence %#: one clear AlignError', (seq, msg) => {
    expect(() => alignChords(ch, seq as string[])).toThrow(AlignError)
    expect(() => alignChords(ch, seq as string[])).toThrow(msg)
  })
  test('inconsistent anchors', () => {
    const seq = ['C:maj', 'G:maj', 'A:min']
    expect(() => alignChords(ch, seq, { anchors: [{ token: 5, time: 0.1 }] })).toThrow(/outside the sequence/)
    expect(() => alignChords(ch, seq, { anchors: [{ token: 1, time: 99 }] })).toThrow(/outside the recording/)
    expect(() =>
      alignChords(ch, seq, {
        anchors: [
          { token: 1, time: 0.6 },
          { token: 2, time: 0.3 },
        ],
      }),
    ).toThrow(/out of order/)
    expect(() =>
      alignChords(ch, seq, {
        anchors: [
          { token: 1, time: 0.3 },
          { token: 2, time: 0.31 }, // the same frame: no room for chord 2
        ],
      }),
    ).toThrow(/do not fit/)
  })
  test('an invalid label is a ChordSyntaxError, not a crash', () => {
    expect(() => alignChords(ch, ['C:maj', 'H:min'])).toThrow(/invalid root/)
  })
})

describe('one-sided kernel', () => {
  test('flat beyond the peak and still concave', () => {
    const k = oneSidedKernel(durationKernel(30, 300))
    for (let d = 2; d < 300; d++) expect(k[d - 1]! + k[d + 1]! - 2 * k[d]!).toBeLessThanOrEqual(1e-9)
    expect(k[300]).toBe(k[200])
  })
})
