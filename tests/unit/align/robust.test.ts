/**
 * What real recordings have and clean renders do not, end to end through the `align` chroma:
 * a noisy (not flat: mains hum) lead-in and tail found as N by the level, a fade-out, and the
 * poor-fit warning for a sequence that does not belong to the recording.
 */
import { describe, expect, test } from 'vitest'
import { alignChords, defaultAlignOptions, frameFeatures, snapToOnsets } from '../../../src/core/align'
import { parseHarte } from '../../../src/core/chords'
import { type Chroma, computeChroma } from '../../../src/core/features'
import { rng } from '../../helpers/synthChroma'

const SR = 22050

interface Part {
  label: string
  seconds: number
  /** struck (piano-like: each chord starts loud and decays, τ = 0.4 s) instead of held */
  struck?: boolean
  /** fade over the part's last `fade` seconds to `fadeDb` (< 0) */
  fade?: number
  fadeDb?: number
}

/** Harmonic tones of each chord (chord tones in octave 4, bass in octave 2), room tone throughout. */
function render(parts: Part[], roomDb: number, seed = 1): { x: Float32Array; bounds: number[] } {
  const r = rng(seed)
  const n = Math.round(parts.reduce((a, p) => a + p.seconds, 0) * SR)
  const x = new Float32Array(n)
  const bounds: number[] = []
  let t0 = 0
  for (const p of parts) {
    bounds.push(t0)
    const a = Math.round(t0 * SR)
    const b = Math.round((t0 + p.seconds) * SR)
    if (p.label !== 'N') {
      const c = parseHarte(p.label)
      const notes = [...c.pcs.map((pc) => 60 + pc), 36 + c.bassAbs]
      for (let i = a; i < b; i++) {
        const t = (i - a) / SR
        let g = Math.min(1, t / 0.01, (b - i) / SR / 0.01)
        if (p.struck) g *= Math.exp(-t / 0.4)
        if (p.fade && t > p.seconds - p.fade)
          g *= 10 ** ((p.fadeDb! * (t - p.seconds + p.fade)) / p.fade / 20)
        let v = 0
        for (const m of notes) {
          const f = 440 * 2 ** ((m - 69) / 12)
          for (let k = 1; k <= 4; k++) v += Math.sin((2 * Math.PI * f * k * i) / SR) / k
        }
        x[i] = 0.05 * g * v
      }
    }
    t0 += p.seconds
  }
  bounds.push(t0)
  // room tone: pink-ish noise and a dominant 50 Hz hum with harmonics (its chroma is not flat)
  let music = 0
  for (let i = 0; i < n; i++) music += x[i]! * x[i]!
  music = Math.sqrt(music / n)
  const room = new Float32Array(n)
  let lp = 0
  for (let i = 0; i < n; i++) {
    lp = 0.97 * lp + 0.03 * (2 * r() - 1)
    let hum = 0
    for (let k = 1; k <= 6; k++) hum += Math.sin((2 * Math.PI * 50 * k * i) / SR) / k
    room[i] = 3 * lp + hum
  }
  let rr = 0
  for (let i = 0; i < n; i++) rr += room[i]! * room[i]!
  const g = (music * 10 ** (roomDb / 20)) / Math.sqrt(rr / n)
  for (let i = 0; i < n; i++) x[i]! += g * room[i]!
  return { x, bounds }
}

const chroma = (x: Float32Array): Chroma => computeChroma(x, SR, { pipeline: 'align', tuning: 0 })
const chordSegs = (res: ReturnType<typeof alignChords>) => res.segments.filter((s) => s.token >= 0)

describe('noisy silence', () => {
  // 50 Hz hum folds to G, B, D: the worst case is a song that starts and ends on G major
  const parts: Part[] = [
    { label: 'N', seconds: 2.5 },
    { label: 'G:maj', seconds: 2 },
    { label: 'C:maj', seconds: 2 },
    { label: 'A:min', seconds: 2 },
    { label: 'G:maj', seconds: 2 },
    { label: 'N', seconds: 2.5 },
  ]
  const { x, bounds } = render(parts, -45)
  const c = chroma(x)
  const seq = ['G:maj', 'C:maj', 'A:min', 'G:maj']

  test('room tone with hum is not flat, but it is 45 dB down at the noise floor: silent by level', () => {
    const flatOnly = frameFeatures(c, { useLevel: false })
    const withLevel = frameFeatures(c)
    const lead = Array.from({ length: Math.floor(2.3 * c.frameRate) }, (_, t) => t)
    const mean = (a: Float64Array) => lead.reduce((s, t) => s + a[t]!, 0) / lead.length
    expect(mean(flatOnly.silence)).toBeLessThan(0.5) // flatness alone misses it
    expect(mean(withLevel.silence)).toBeGreaterThan(0.95)
    expect(withLevel.relativeDb).not.toBeNull()
    // the music stays non-silent
    const mid = Math.round(5.5 * c.frameRate)
    expect(withLevel.silence[mid]).toBe(0)
  })

  test('the noisy lead-in and tail align to N; the chords land on their boundaries', () => {
    const res = alignChords(c, seq)
    const segs = chordSegs(res)
    expect(res.segments[0]!.label).toBe('N')
    expect(res.segments[res.segments.length - 1]!.label).toBe('N')
    for (let k = 0; k < 4; k++) {
      expect(Math.abs(segs[k]!.start - bounds[k + 1]!)).toBeLessThan(0.1)
      expect(Math.abs(segs[k]!.end - bounds[k + 2]!)).toBeLessThan(0.1)
    }
    // without the level the hum passes for music and the outer chords swallow it
    const before = chordSegs(alignChords(c, seq, { emission: { useLevel: false } }))
    const err = Math.max(Math.abs(before[0]!.start - bounds[1]!), Math.abs(before[3]!.end - bounds[5]!))
    expect(err).toBeGreaterThan(0.5)
  })
})

describe('fade-out', () => {
  test('the last chord lasts through its fade until it sinks into the room tone', () => {
    const parts: Part[] = [
      { label: 'N', seconds: 1 },
      { label: 'C:maj', seconds: 2 },
      { label: 'G:maj', seconds: 2 },
      { label: 'A:min', seconds: 2 },
      { label: 'F:maj', seconds: 5, fade: 4, fadeDb: -60 },
      { label: 'N', seconds: 3 },
    ]
    const roomDb = -45
    const { x, bounds } = render(parts, roomDb, 2)
    const c = chroma(x)
    const res = alignChords(c, ['C:maj', 'G:maj', 'A:min', 'F:maj'])
    const segs = chordSegs(res)
    for (let k = 0; k < 3; k++) expect(Math.abs(segs[k]!.end - bounds[k + 2]!)).toBeLessThan(0.1)
    // the fade starts at 8 s and passes −25 dB at 9.67 s; it meets the room tone's level (about
    // −45 dB against the music's RMS) near 11 s, the end of the chord in the render
    const last = segs[3]!
    expect(last.end).toBeGreaterThan(9.67)
    expect(last.end).toBeLessThan(bounds[5]! + 0.3)
    expect(res.segments[res.segments.length - 1]).toMatchObject({ label: 'N' })
    expect(res.segments[res.segments.length - 1]!.end - last.end).toBeGreaterThan(2.5)
    expect(res.warnings.map((w) => w.kind)).not.toContain('poor-fit')
  })
})

describe('poor-fit warning', () => {
  const parts: Part[] = [
    { label: 'N', seconds: 1 },
    ...['C:maj', 'A:min', 'F:maj', 'G:maj', 'C:maj', 'E:min', 'F:maj', 'G:7'].map((label) => ({
      label,
      seconds: 1.5,
    })),
    { label: 'N', seconds: 1 },
  ]
  const c = chroma(render(parts, -50, 3).x)
  const kinds = (seq: string[]) => alignChords(c, seq).warnings.map((w) => w.kind)

  test('the right sequence fits: no warning; its evidence matches free recognition', () => {
    const res = alignChords(c, ['C', 'A:min', 'F', 'G', 'C', 'E:min', 'F', 'G:7'])
    expect(res.warnings.map((w) => w.kind)).not.toContain('poor-fit')
    expect(Math.abs(res.fit.shortfall)).toBeLessThan(0.1)
    expect(res.fit.soundingFrames).toBeGreaterThan(10 * c.frameRate)
  })

  test('the same song typed a minor third up, or another song, is called a poor fit', () => {
    const up3 = ['D#', 'C:min', 'G#', 'A#', 'D#', 'G:min', 'G#', 'A#:7']
    const other = ['D:min', 'B:dim', 'E:maj', 'F#:min', 'B:min7', 'C#:maj', 'D:min', 'A:maj']
    for (const seq of [up3, other]) {
      const res = alignChords(c, seq)
      expect(res.fit.shortfall).toBeGreaterThan(defaultAlignOptions.poorFitMargin)
      const w = res.warnings.find((x) => x.kind === 'poor-fit')
      expect(w?.message).toMatch(/right recording.*key/)
    }
  })

  test('a semitone off is rescued by the transposition guard, not called a poor fit', () => {
    const k = kinds(['C#', 'A#:min', 'F#', 'G#', 'C#', 'F:min', 'F#', 'G#:7'])
    expect(k).toContain('transposed')
    expect(k).not.toContain('poor-fit')
  })
})

describe('onset snapping', () => {
  test('snapToOnsets moves interior boundaries by up to reach frames onto a clearly stronger onset', () => {
    const onset = Float64Array.from({ length: 40 }, () => 1)
    onset[11] = 5 // next to b_1 = 10: moves
    onset[19] = 1.2 // next to b_2 = 20 but not 1.5× stronger: stays
    onset[33] = 9 // three frames from b_3 = 30: out of reach
    onset[0] = 50 // b_0 and b_K (N or anchors) never move
    const b = Int32Array.of(1, 10, 20, 30, 39)
    snapToOnsets(b, onset, 1, 1.5)
    expect(Array.from(b)).toEqual([1, 11, 20, 30, 39])
    const c = Int32Array.of(0, 5, 6, 9) // boundaries stay strictly increasing
    const o2 = Float64Array.from({ length: 12 }, (_, i) => (i === 6 ? 10 : 1))
    snapToOnsets(c, o2, 2, 1.5)
    expect(c[1]).toBe(5)
    expect(c[2]).toBe(6)
  })

  test('struck chords: boundaries land within one frame of the strokes, closer than without snapping', () => {
    const labels = ['C:maj', 'A:min', 'F:maj', 'G:maj', 'E:min', 'A:min', 'D:min', 'G:7']
    const parts: Part[] = [
      { label: 'N', seconds: 1 },
      ...labels.map((label, i) => ({ label, seconds: 1.1 + 0.13 * i, struck: true })),
      { label: 'N', seconds: 1 },
    ]
    const { x, bounds } = render(parts, -50, 4)
    const c = chroma(x)
    const err = (snap: boolean) => {
      const segs = chordSegs(alignChords(c, labels, { onsetSnap: snap }))
      return segs.slice(1).map((s, k) => Math.abs(s.start - bounds[k + 2]!))
    }
    const on = err(true)
    const off = err(false)
    const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length
    expect(Math.max(...on)).toBeLessThanOrEqual(1 / c.frameRate + 1e-9)
    expect(mean(on)).toBeLessThan(mean(off))
  })
})
