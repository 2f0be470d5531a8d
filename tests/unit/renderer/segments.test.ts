import { describe, expect, it } from 'vitest'
import { encodeFloat32, type SegmentDto } from '../../../src/core/api/client'
import { chromaView } from '../../../src/renderer/src/state/chroma'
import { History } from '../../../src/renderer/src/state/history'
import { canonicalLabel, prettyLabel } from '../../../src/renderer/src/state/labels'
import { stepUncertain } from '../../../src/renderer/src/state/review'
import {
  adjacentBoundary,
  adjacentUncertain,
  anchorsFromLocks,
  boundaries,
  liveLocks,
  MIN_SEGMENT,
  mergeWithNext,
  moveBoundary,
  nearestBoundary,
  relabel,
  segmentAt,
  snapToLocks,
  splitAt,
  toggleLock,
  uncertainPlaces,
} from '../../../src/renderer/src/state/segments'
import { parseTags } from '../../../src/renderer/src/state/tags'

const segs: SegmentDto[] = [
  { start: 0, end: 1.5, label: 'N', confidence: 0.9 },
  { start: 1.5, end: 4, label: 'C:maj', confidence: 0.8 },
  { start: 4, end: 6, label: 'A:min7', confidence: 0.4 },
  { start: 6, end: 9, label: 'G:maj/3', confidence: 0.95 },
]

/** Contiguity and order: what every edit must keep. */
function expectLane(s: SegmentDto[], start = 0, end = 9) {
  expect(s[0]!.start).toBe(start)
  expect(s.at(-1)!.end).toBe(end)
  for (let i = 0; i < s.length; i++) {
    expect(s[i]!.end).toBeGreaterThan(s[i]!.start)
    if (i > 0) expect(s[i]!.start).toBe(s[i - 1]!.end)
  }
}

describe('lane queries', () => {
  it('finds boundaries and segments by time', () => {
    expect(boundaries(segs)).toEqual([1.5, 4, 6])
    expect(segmentAt(segs, 0)).toBe(0)
    expect(segmentAt(segs, 1.5)).toBe(1)
    expect(segmentAt(segs, 5.99)).toBe(2)
    expect(segmentAt(segs, 100)).toBe(3)
    expect(segmentAt(segs, -1)).toBe(-1)
    expect(segmentAt([], 1)).toBe(-1)
    expect(nearestBoundary(segs, 4.9)).toBe(1)
    expect(adjacentBoundary(segs, 4, 1)).toBe(2)
    expect(adjacentBoundary(segs, 4, -1)).toBe(0)
    expect(adjacentBoundary(segs, 6.5, 1)).toBe(-1)
  })
})

describe('edits', () => {
  it('moves a boundary, clamped, marking both neighbours as edited', () => {
    const m = moveBoundary(segs, 1, 5)
    expectLane(m)
    expect(m[1]!.end).toBe(5)
    expect(m[2]!.start).toBe(5)
    expect(m[1]!.confidence).toBeNull()
    expect(m[0]!.confidence).toBe(0.9)
    expect(segs[1]!.end).toBe(4) // never mutated
    const far = moveBoundary(segs, 1, 100)
    expect(far[1]!.end).toBeCloseTo(6 - MIN_SEGMENT, 12)
    expectLane(far)
    expect(moveBoundary(segs, 3, 7)).toEqual(segs)
  })

  it('splits, merges and relabels', () => {
    const s = splitAt(segs, 1, 2)
    expectLane(s)
    expect(s.map((x) => x.label)).toEqual(['N', 'C:maj', 'C:maj', 'A:min7', 'G:maj/3'])
    expect(splitAt(segs, 1, 1.51)).toEqual(segs) // too close to the edge
    const m = mergeWithNext(segs, 1)
    expectLane(m)
    expect(m.map((x) => x.label)).toEqual(['N', 'C:maj', 'G:maj/3'])
    expect(m[1]).toEqual({ start: 1.5, end: 6, label: 'C:maj', confidence: null })
    expect(mergeWithNext(segs, 3)).toEqual(segs)
    const r = relabel(segs, 2, 'A:min')
    expect(r[2]).toEqual({ start: 4, end: 6, label: 'A:min', confidence: null })
  })
})

describe('boundary confidence and the places to check', () => {
  // an aligned lane: each segment carries the confidence of the boundary it starts at
  const aligned: SegmentDto[] = [
    { start: 0, end: 1.5, label: 'N', confidence: 0.9 },
    { start: 1.5, end: 4, label: 'C:maj', confidence: 0.85, startConfidence: 0.95 },
    { start: 4, end: 6, label: 'A:min7', confidence: 0.4, startConfidence: 0.25 },
    { start: 6, end: 9, label: 'G:maj/3', confidence: 0.95, startConfidence: 0.45 },
    { start: 9, end: 10, label: 'D:maj', confidence: 0.7, startConfidence: 0.6 },
  ]

  it('lists unsure boundaries and chords in time order, boundary before the chord it starts', () => {
    expect(uncertainPlaces(aligned).map((p) => [p.kind, p.index, p.time, p.confidence])).toEqual([
      ['boundary', 1, 4, 0.25],
      ['segment', 2, 4, 0.4],
      ['boundary', 2, 6, 0.45],
      ['segment', 4, 9, 0.7], // a chord below 0.8; its start boundary (0.6) is above the boundaries' 0.5
    ])
    // a locked boundary is the user's decision: not listed
    expect(uncertainPlaces(aligned, [6]).map((p) => p.time)).toEqual([4, 4, 9])
    const doubtful = uncertainPlaces(aligned, [], { segment: 0.55, boundary: 0.3 })
    expect(doubtful.map((p) => p.kind)).toEqual(['boundary', 'segment'])
  })

  it('steps forward and back from the cursor, a focused boundary or a selected chord', () => {
    const places = uncertainPlaces(aligned)
    const at = (time: number, kind: 'boundary' | 'segment' | null) => ({ time, kind })
    expect(adjacentUncertain(places, at(0, null), 1)).toMatchObject({ kind: 'boundary', index: 1 })
    // the cursor on a place: that one is "here", the next is after it
    expect(adjacentUncertain(places, at(4, null), 1)).toMatchObject({ kind: 'boundary', index: 2 })
    expect(adjacentUncertain(places, at(4, 'boundary'), 1)).toMatchObject({ kind: 'segment', index: 2 })
    expect(adjacentUncertain(places, at(4, 'segment'), 1)).toMatchObject({ kind: 'boundary', index: 2 })
    expect(adjacentUncertain(places, at(6, 'boundary'), 1)).toMatchObject({ kind: 'segment', index: 4 })
    expect(adjacentUncertain(places, at(9, 'segment'), 1)).toBeNull()
    expect(adjacentUncertain(places, at(6, 'boundary'), -1)).toMatchObject({ kind: 'segment', index: 2 })
    expect(adjacentUncertain(places, at(4, 'segment'), -1)).toMatchObject({ kind: 'boundary', index: 1 })
    expect(adjacentUncertain(places, at(4, 'boundary'), -1)).toBeNull()
    expect(adjacentUncertain(places, at(8, null), -1)).toMatchObject({ kind: 'boundary', index: 2 })
  })

  it('focuses the place and moves the cursor there (U), or leaves everything when there is none', () => {
    const ed = {
      segments: aligned,
      locks: [] as number[],
      focusedBoundary: null as number | null,
      selected: null as number | null,
    }
    const calls: string[] = []
    const core = {
      time: 0,
      seek: (t: number) => calls.push(`seek ${t}`),
      reveal: (t: number) => calls.push(`reveal ${t}`),
    }
    const step = (dir: 1 | -1) => stepUncertain(ed as never, core, dir)
    expect(step(1)).toMatchObject({ kind: 'boundary', index: 1 })
    expect(ed).toMatchObject({ focusedBoundary: 1, selected: null })
    expect(step(1)).toMatchObject({ kind: 'segment', index: 2 })
    expect(ed).toMatchObject({ focusedBoundary: null, selected: 2 })
    expect(step(1)).toMatchObject({ kind: 'boundary', index: 2 })
    expect(step(1)).toMatchObject({ kind: 'segment', index: 4 })
    expect(step(1)).toBeNull()
    expect(ed).toMatchObject({ focusedBoundary: null, selected: 4 })
    expect(step(-1)).toMatchObject({ kind: 'boundary', index: 2 })
    expect(calls).toEqual([
      'seek 4',
      'reveal 4',
      'seek 4',
      'reveal 4',
      'seek 6',
      'reveal 6',
      'seek 9',
      'reveal 9',
      'seek 6',
      'reveal 6',
    ])
  })

  it('edits drop the confidence of the boundaries they place, and keep the others', () => {
    const moved = moveBoundary(aligned, 1, 4.5)
    expect(moved[2]).toMatchObject({ start: 4.5, confidence: null, startConfidence: null })
    expect(moved[3]!.startConfidence).toBe(0.45)
    expect(uncertainPlaces(moved).map((p) => p.time)).toEqual([6, 9])
    const split = splitAt(aligned, 1, 3)
    expect(split[1]!.startConfidence).toBe(0.95) // the chord still starts at the aligned boundary
    expect(split[2]).toMatchObject({ start: 3, startConfidence: null }) // a boundary placed by hand
    const merged = mergeWithNext(aligned, 1)
    expect(merged[1]).toMatchObject({ start: 1.5, end: 6, startConfidence: 0.95 })
    expect(merged[2]!.startConfidence).toBe(0.45)
    expect(relabel(aligned, 2, 'A:min')[2]!.startConfidence).toBe(0.25) // timing unchanged
  })
})

describe('locks and anchors', () => {
  it('toggles, survives only on boundaries, and maps to typed-sequence indices (N not counted)', () => {
    let locks = toggleLock([], 4)
    locks = toggleLock(locks, 1.5)
    expect(locks).toEqual([1.5, 4])
    expect(toggleLock(locks, 4.0000001)).toEqual([1.5])
    expect(anchorsFromLocks(segs, locks)).toEqual([
      { time: 1.5, token: 0 },
      { time: 4, token: 1 },
    ])
    // a trailing N: its start locks the end of the last chord (token = chord count)
    const withTail = [...segs.slice(0, 3), { start: 6, end: 9, label: 'N' }]
    expect(anchorsFromLocks(withTail, [6])).toEqual([{ time: 6, token: 2 }])
    // equal neighbours (after a split) are one token
    const split = splitAt(segs, 1, 2.5)
    expect(anchorsFromLocks(split, [4])).toEqual([{ time: 4, token: 1 }])
    const merged = mergeWithNext(segs, 1)
    expect(liveLocks(merged, locks)).toEqual([1.5])
  })

  it('snaps re-aligned boundaries back onto locks', () => {
    const realigned = moveBoundary(segs, 1, 4.01)
    const snapped = snapToLocks(realigned, [4])
    expect(snapped[1]!.end).toBe(4)
    expect(snapped[2]!.start).toBe(4)
    expectLane(snapped)
  })
})

describe('history', () => {
  it('undoes and redoes whole snapshots; a new edit clears redo', () => {
    const h = new History<number>({ limit: 3 })
    h.push(1)
    h.push(2)
    expect(h.undo(3)).toBe(2)
    expect(h.undo(2)).toBe(1)
    expect(h.undo(1)).toBeNull()
    expect(h.redo(1)).toBe(2)
    h.push(2)
    expect(h.canRedo).toBe(false)
    for (const x of [5, 6, 7, 8]) h.push(x)
    expect([h.undo(9), h.undo(8), h.undo(7), h.undo(6)]).toEqual([8, 7, 6, null])
  })
})

describe('labels typed into the lane', () => {
  it('become canonical Harte, or say what is wrong', () => {
    expect(canonicalLabel('Am7')).toEqual({ label: 'A:min7' })
    expect(canonicalLabel('C/E')).toEqual({ label: 'C:maj/3' })
    expect(canonicalLabel(' N ')).toEqual({ label: 'N' })
    expect(canonicalLabel('Hm')).toEqual({ error: 'unknown chord "Hm"' })
    expect(canonicalLabel('C G')).toEqual({ error: 'one chord only' })
    expect('error' in canonicalLabel('')).toBe(true)
    expect(prettyLabel('Bb:min7')).toBe('B♭:min7')
    expect(prettyLabel('F#:maj/3')).toBe('F♯:maj/3')
  })
})

describe('chromagram display values', () => {
  it('stretch each frame to [0, 1] and leave flat (silent) frames blank', () => {
    const raw = new Float32Array(3 * 12)
    raw.fill(1 / Math.sqrt(12), 0, 12) // silence after l2 normalisation: uniform
    for (let p = 0; p < 12; p++) raw[12 + p] = p === 0 ? 0.9 : p === 7 ? 0.5 : 0.1
    raw.fill(0, 24, 36) // digital zero
    const v = chromaView({
      frames: 3,
      frameRate: 10,
      hopSize: 2205,
      sampleRate: 22050,
      tuningCents: 0,
      data: encodeFloat32(raw),
      bass: null,
    })
    expect([...v.data.slice(0, 12)]).toEqual(new Array(12).fill(0))
    expect(v.data[12]).toBe(1)
    expect(v.data[19]).toBeCloseTo(0.5, 6)
    expect(v.data[13]).toBe(0)
    expect([...v.data.slice(24)]).toEqual(new Array(12).fill(0))
    expect(v.frameRate).toBe(10)
  })
})

describe('tags typed in the library', () => {
  it('are comma-separated, trimmed, once each, in the order typed', () => {
    expect(parseTags(' Beatles, live ,, Beatles,to review ')).toEqual(['Beatles', 'live', 'to review'])
    expect(parseTags('')).toEqual([])
    expect(parseTags(' , ')).toEqual([])
  })
})
