import { describe, expect, it } from 'vitest'
import { cutSegments, type Recording } from '../../../src/core/model'

function recording(strong: number[], sequence: number[] | null = null): Recording {
  const T = strong.length
  const x = new Float32Array(T * 12)
  for (let t = 0; t < T; t++) x[t * 12] = t // frame index in chroma bin 0, to check the views
  return { id: 'r', x, frames: T, frameRate: 10, strong: Int8Array.from(strong), sequence }
}

describe('cutSegments', () => {
  // 3 N frames, 10 chord frames, 2 N frames
  const strong = [24, 24, 24, 0, 0, 0, 7, 7, 7, 7, 9, 9, 0, 24, 24]
  it('trims leading/trailing N and keeps full segments only (the seed drops the remainder)', () => {
    const s = cutSegments(recording(strong), { length: 4 })
    expect(s.map((i) => i.start)).toEqual([3, 7])
    expect(s[0]!.x[0]).toBe(3)
    expect(s[1]!.x[12 * 3]).toBe(10)
    expect(Array.from(s[0]!.strong!)).toEqual([0, 0, 0, 7])
    expect(s[0]!.coarse).toEqual([0, 7])
    expect(s[1]!.coarse).toEqual([7, 9])
    expect(s[0]!.id).toBe('r@3')
  })
  it('without trimming, starts at frame 0 and drops segments without chord frames', () => {
    const s = cutSegments(recording(strong), { length: 3, trimN: false })
    expect(s.map((i) => i.start)).toEqual([3, 6, 9, 12]) // [0,3) is all N
  })
  it('supports a hop smaller than the length', () => {
    expect(cutSegments(recording(strong), { length: 4, hop: 2 }).map((i) => i.start)).toEqual([3, 5, 7, 9])
  })
  it('whole recordings use the typed sequence when given (no .lab needed)', () => {
    const rec = { ...recording(strong, [0, 7, 9, 0]), strong: null }
    const s = cutSegments(rec, { length: 'whole' })
    expect(s).toHaveLength(1)
    expect(s[0]!.frames).toBe(15)
    expect(s[0]!.coarse).toEqual([0, 7, 9, 0])
    expect(cutSegments(rec, { length: 4 })).toEqual([]) // segments need timed targets
  })
  it('rejects a bad length', () => {
    expect(() => cutSegments(recording(strong), { length: 0 })).toThrow(/positive integer/)
  })
})
