/**
 * src/core/eval against Debian's python3-mir-eval 0.7: chord comparisons on every pair of a label
 * pool, and the full `mir_eval.chord.evaluate` on fixtures and on random annotations (ragged
 * starts and ends, gaps, repeated labels, boundaries shared with the reference).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import type { Segment } from '../../../src/core/chords'
import {
  adjustIntervals,
  boundaryDeviation,
  CHORD_METRICS,
  type ChordMetric,
  compareChords,
  evaluateChords,
  mergeChordIntervals,
} from '../../../src/core/eval'
import { requirePythonModule, runPythonJson } from '../../helpers/python'

const SCRIPT = readFileSync(join(import.meta.dirname, 'mireval.py'), 'utf8')

type Triple = [number, number, string]
interface PyCase {
  scores: Record<string, number>
  zeroLength: boolean
  adjusted: Triple[]
  mergedRef: [number, number][]
  mergedEst: [number, number][]
  deviation?: [number | null, number | null]
  deviationTrim?: [number | null, number | null]
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ROOTS = ['C', 'C#', 'Db', 'D', 'Eb', 'E', 'Fb', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B', 'B#', 'Cb', 'Dbb']
// mir_eval's table lacks aug7 and maj11 (its encode raises on them), so they are not drawn here.
const QUALITIES = [
  'maj', 'min', 'dim', 'aug', 'sus2', 'sus4', '7', 'maj7', 'min7', 'minmaj7', 'maj6', 'min6', 'dim7',
  'hdim7', '9', 'maj9', 'min9', '11', 'min11', '13', 'maj13', 'min13', '1', '5',
] // biome-ignore format: a table
const DEGREES = [
  '2',
  'b3',
  '3',
  '4',
  '#4',
  'b5',
  '5',
  '#5',
  'b6',
  '6',
  'b7',
  '7',
  '9',
  'b9',
  '#9',
  '11',
  '#11',
  '13',
  'b13',
  '1',
]
const BASSES = ['3', 'b3', '5', 'b7', '7', '2', '4', '6', '#4', 'b9', '9']

function randomLabel(r: () => number): string {
  const u = r()
  if (u < 0.08) return 'N'
  if (u < 0.12) return 'X'
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!
  const root = pick(ROOTS)
  const form = r()
  let label: string
  if (form < 0.1) label = root
  else if (form < 0.18) {
    const ds = [...new Set([pick(DEGREES), pick(DEGREES)])]
    label = `${root}:(${ds.join(',')})`
  } else {
    label = `${root}:${pick(QUALITIES)}`
    const x = r()
    if (x < 0.15) label += `(${pick(DEGREES)})`
    else if (x < 0.25) label += `(*${pick(['3', 'b3', '5', '1'])})`
    else if (x < 0.3) label += `(${pick(DEGREES)},*5)`
  }
  if (r() < 0.2) label += `/${pick(BASSES)}`
  return label
}

function randomAnnotation(
  r: () => number,
  labels: string[],
  start: number,
  end: number,
  gapP = 0,
): Segment[] {
  const segs: Segment[] = []
  let t = start
  while (t < end - 1e-9) {
    const dur = 0.05 + r() * 3
    let e = Math.min(end, t + dur)
    if (end - e < 0.05) e = end
    const label =
      r() < 0.15 && segs.length > 0 ? segs[segs.length - 1]!.label : labels[Math.floor(r() * labels.length)]!
    segs.push({ start: t, end: e, label })
    t = e
    if (r() < gapP && t < end - 0.5) t += 0.1 + r() * 0.3
  }
  return segs
}

/** A random estimate around a reference: ragged edges, gaps, some boundaries copied from the reference. */
function randomCase(seed: number): { ref: Segment[]; est: Segment[] } {
  const r = rng(seed)
  const pool = Array.from({ length: 6 + Math.floor(r() * 10) }, () => randomLabel(r))
  const t0 = r() < 0.5 ? 0 : Number((r() * 2).toFixed(3))
  const t1 = t0 + 5 + r() * 40
  const ref = randomAnnotation(r, pool, t0, t1)
  const mode = r()
  const e0 = mode < 0.3 ? t0 : Math.max(0, t0 + (r() - 0.5) * 3)
  const e1 = mode < 0.3 ? t1 : mode < 0.45 ? t1 + 2 : t1 + (r() - 0.5) * 6
  const est = randomAnnotation(r, pool, e0, Math.max(e0 + 0.5, e1), 0.1)
  // snap some estimated boundaries onto reference boundaries (equal times exercise the ties)
  const rb = ref.map((s) => s.start)
  for (let i = 1; i < est.length; i++)
    if (r() < 0.3 && est[i - 1]!.end === est[i]!.start) {
      const b = rb[Math.floor(r() * rb.length)]!
      if (b > est[i - 1]!.start && b < est[i]!.end) {
        est[i - 1]!.end = b
        est[i]!.start = b
      }
    }
  return { ref, est }
}

const triples = (s: readonly Segment[]): Triple[] => s.map((x) => [x.start, x.end, x.label])

const FIXTURES: { name: string; ref: Segment[]; est: Segment[] }[] = [
  {
    name: 'identical',
    ref: [
      { start: 0, end: 1.5, label: 'N' },
      { start: 1.5, end: 4, label: 'C:maj' },
      { start: 4, end: 6, label: 'A:min7' },
      { start: 6, end: 9, label: 'F:maj/3' },
    ],
    est: [
      { start: 0, end: 1.5, label: 'N' },
      { start: 1.5, end: 4, label: 'C:maj' },
      { start: 4, end: 6, label: 'A:min7' },
      { start: 6, end: 9, label: 'F:maj/3' },
    ],
  },
  {
    name: 'shifted, reduced and extended labels',
    ref: [
      { start: 0, end: 2, label: 'C:maj7' },
      { start: 2, end: 4, label: 'G:7/5' },
      { start: 4, end: 7, label: 'E:sus4(b7)' },
      { start: 7, end: 8, label: 'X' },
      { start: 8, end: 10, label: 'Bb:min9' },
    ],
    est: [
      { start: 0.3, end: 2.2, label: 'C:maj' },
      { start: 2.2, end: 4.1, label: 'G:7' },
      { start: 4.1, end: 7.4, label: 'E:7' },
      { start: 7.4, end: 11, label: 'Bb:min7' },
    ],
  },
  {
    name: 'estimate boundary exactly at the reference end (mir_eval rejects the zero-length interval)',
    ref: [
      { start: 0, end: 5, label: 'C:maj' },
      { start: 5, end: 10, label: 'G:maj' },
    ],
    est: [
      { start: 0, end: 5, label: 'C:maj' },
      { start: 5, end: 10, label: 'G:maj' },
      { start: 10, end: 12, label: 'N' },
    ],
  },
  {
    name: 'merge by encoding: C:9 next to C:7(9), C next to C:maj',
    ref: [
      { start: 0, end: 1, label: 'C:9' },
      { start: 1, end: 2, label: 'C:7(9)' },
      { start: 2, end: 3, label: 'C:maj9' },
      { start: 3, end: 4, label: 'C:maj7' },
    ],
    est: [
      { start: 0, end: 2.5, label: 'C' },
      { start: 2.5, end: 4, label: 'C:maj' },
    ],
  },
]

describe('eval against mir_eval 0.7', () => {
  test('every comparison rule on all pairs of a random label pool', () => {
    const r = rng(7)
    const pool = [...new Set(Array.from({ length: 90 }, () => randomLabel(r)))]
    pool.push('N', 'X', 'C:maj', 'C', 'C:maj/3', 'C:maj/b7', 'C:maj/2', 'A:min/b3', 'A:(1)', 'A:(b3,5)')
    const ref: string[] = []
    const est: string[] = []
    for (const a of pool)
      for (const b of pool) {
        ref.push(a)
        est.push(b)
      }
    const py = runPythonJson<{ pairs: Record<ChordMetric, number[]> }>(SCRIPT, { pairs: { ref, est } })
    for (const m of CHORD_METRICS) {
      const ours = Array.from(compareChords(m, ref, est))
      const mismatches = ours.flatMap((v, i) =>
        v === py.pairs[m][i] ? [] : [`${ref[i]} vs ${est[i]}: ${v}`],
      )
      expect(mismatches, m).toEqual([])
    }
  })

  const cases = [
    ...FIXTURES,
    ...Array.from({ length: 150 }, (_, i) => ({ name: `random ${i}`, ...randomCase(1000 + i) })),
  ]
  let py: PyCase[] = []
  beforeAll(() => {
    requirePythonModule('mir_eval', 'python3-mir-eval')
    py = runPythonJson<{ cases: PyCase[] }>(SCRIPT, {
      cases: cases.map((c) => ({ ref: triples(c.ref), est: triples(c.est) })),
    }).cases
  })

  test('fixtures and 150 random annotations: evaluate, adjust, merge, deviation to 1e-12', () => {
    let zeroLength = 0
    for (let k = 0; k < cases.length; k++) {
      const c = cases[k]!
      const p = py[k]!
      const ours = evaluateChords(c.ref, c.est)
      for (const [name, v] of Object.entries(p.scores))
        expect(
          Math.abs((ours.scores as Record<string, number>)[name]! - v),
          `${c.name}: ${name}`,
        ).toBeLessThan(1e-12)
      const tMin = Math.min(...c.ref.map((s) => s.start))
      const tMax = Math.max(...c.ref.map((s) => s.end))
      const adj = adjustIntervals(c.est, tMin, tMax)
      expect(triples(adj), c.name).toEqual(p.adjusted)
      expect(
        mergeChordIntervals(c.ref).map((s) => [s.start, s.end]),
        c.name,
      ).toEqual(p.mergedRef)
      expect(
        mergeChordIntervals(adj).map((s) => [s.start, s.end]),
        c.name,
      ).toEqual(p.mergedEst)
      if (p.deviation) {
        const d = boundaryDeviation(c.ref, c.est)
        const t = boundaryDeviation(c.ref, c.est, true)
        const same = (a: number, b: number | null) => (b === null ? Number.isNaN(a) : Math.abs(a - b) < 1e-12)
        expect(same(d.refToEst, p.deviation[0]) && same(d.estToRef, p.deviation[1]), c.name).toBe(true)
        expect(same(t.refToEst, p.deviationTrim![0]) && same(t.estToRef, p.deviationTrim![1]), c.name).toBe(
          true,
        )
      }
      if (p.zeroLength) zeroLength++
    }
    // the fixture and at least a few random cases hit mir_eval's zero-length quirk
    expect(zeroLength).toBeGreaterThanOrEqual(1)
  })

  test('the fixture scores are what the rules mean', () => {
    const shifted = evaluateChords(FIXTURES[1]!.ref, FIXTURES[1]!.est)
    // majmin: C:maj7 ≡ C:maj on 0.3–2, G:7/5 ≡ G:7 first 8 bits, E:sus4(b7) excluded, X excluded
    expect(shifted.comparable.majmin).toBeCloseTo(2 + 2 + 2, 12)
    expect(evaluateChords(FIXTURES[0]!.ref, FIXTURES[0]!.est).scores).toMatchObject({
      majmin: 1,
      tetrads_inv: 1,
      seg: 1,
    })
  })
})
