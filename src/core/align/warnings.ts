/**
 * Warnings about an alignment: what looks wrong in the sequence or the result. Never silent: each
 * is one sentence naming the chord and the time. Thresholds are documented (with the rates measured
 * on the dev corpus) in `AlignOptions`.
 */
import { PITCH_NAMES } from '../chords'
import type { ResolvedAlignOptions } from './align'
import { type ChordTemplate, type FrameFeatures, TRIADS, templateScores } from './emissions'
import { timeToBound } from './time'
import type { AlignResult, AlignWarning } from './types'

/** Every warning of a finished alignment (see `AlignWarningKind`). */
export function alignmentWarnings(
  res: AlignResult,
  o: ResolvedAlignOptions,
  feats: FrameFeatures,
  shift: number,
  templates: ChordTemplate[],
  labelIdx: Map<string, number>,
  fr: number,
  T: number,
  duration: number,
): AlignWarning[] {
  const out: AlignWarning[] = []
  const fmt = (t: number) => `${t.toFixed(1)} s`
  const chordSegs = res.segments.filter((s) => s.token >= 0)
  const K = res.tokens.length
  const musicSpan =
    chordSegs.length > 0 ? chordSegs[chordSegs.length - 1]!.end - chordSegs[0]!.start : duration
  if (musicSpan / K < o.denseSeconds)
    out.push({
      kind: 'dense-sequence',
      message: `${K} chords in ${fmt(musicSpan)} is ${(musicSpan / K).toFixed(2)} s per chord on average: check the sequence for extra chords or repeats`,
    })
  if (shift !== 0)
    out.push({
      kind: 'transposed',
      message: `the recording sounds ${shift > 0 ? 'a semitone higher' : 'a semitone lower'} than the typed chords (or is detuned by about half a semitone); aligned with that shift`,
    })
  if (res.fit.shortfall > o.poorFitMargin)
    out.push({
      kind: 'poor-fit',
      message: `the typed chords explain the audio much worse than free recognition does (${res.fit.aligned.toFixed(2)} against ${res.fit.recognized.toFixed(2)} per frame): check that this is the right recording and that the chords are in the key it sounds in`,
    })
  const durs = chordSegs.map((s) => s.end - s.start)
  const sorted = [...durs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const med =
    sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  const isLong = (d: number) => d > o.longFactor * med && d - med > o.longSeconds
  chordSegs.forEach((s, i) => {
    const d = durs[i]!
    const name = `chord ${s.token + 1} (${s.label}, ${fmt(s.start)}–${fmt(s.end)})`
    if (isLong(d) && K > 1) {
      const ratio = (d / med).toFixed(0)
      if (i === chordSegs.length - 1)
        out.push({
          kind: 'long-last-chord',
          token: s.token,
          message: `the last chord (${s.label}) lasts ${fmt(d)}, ${ratio}× the typical chord: chords may be missing at the end of the sequence`,
        })
      else if (i === 0)
        out.push({
          kind: 'long-first-chord',
          token: s.token,
          message: `the first chord (${s.label}) lasts ${fmt(d)}, ${ratio}× the typical chord: chords may be missing at the start of the sequence`,
        })
      else
        out.push({
          kind: 'long-chord',
          token: s.token,
          message: `${name} lasts ${ratio}× the typical chord: a repeat may be missing from the sequence`,
        })
    }
    if (d < o.shortSeconds && K > 1)
      out.push({
        kind: 'short-chord',
        token: s.token,
        message: `${name} gets only ${d.toFixed(2)} s: an extra or misspelt chord?`,
      })
  })
  // music left to the leading/trailing N: the sequence probably lacks chords there
  const T0 = timeToBound(chordSegs[0]?.start ?? 0, fr, T)
  const T1 = timeToBound(chordSegs[chordSegs.length - 1]?.end ?? duration, fr, T)
  const musicIn = (f0: number, f1: number) => {
    let n = 0
    for (let f = f0; f < f1; f++) if (feats.silence[f]! < 0.5) n++
    return n / fr
  }
  const before = musicIn(0, T0)
  const after = musicIn(T1, T)
  if (before > o.longSeconds)
    out.push({
      kind: 'music-before-first-chord',
      message: `${fmt(before)} of music before the first chord (${res.tokens[0]}) is left without chords: chords may be missing at the start of the sequence`,
    })
  if (after > o.longSeconds)
    out.push({
      kind: 'music-after-last-chord',
      message: `${fmt(after)} of music after the last chord (${res.tokens[K - 1]}) is left without chords: chords may be missing at the end of the sequence`,
    })
  if (!o.model) {
    // evidence: each chord against the best alternative (the 24 triads and the sequence's own chords),
    // over the whole segment (a typo: another chord fits better throughout) and frame by frame
    // (changing harmony inside one segment: chords or a repeat missing from the sequence)
    // one alternative's scores at a time (memory O(T) per alternative, whatever the recording's length)
    const segs = chordSegs
      .map((s) => ({ s, f0: timeToBound(s.start, fr, T), f1: timeToBound(s.end, fr, T) }))
      .filter((x) => x.f1 - x.f0 >= 3 && labelIdx.has(x.s.label) && x.s.label !== 'X')
    const rival = segs.map(() => ({ label: '', score: Number.NEGATIVE_INFINITY }))
    const bestAlt = new Float64Array(T)
    const buf = new Float64Array(T)
    const visit = (label: string, tpl: ChordTemplate) => {
      const sc = templateScores(feats, tpl, shift, buf)
      for (let t = 0; t < T; t++) if (sc[t]! > bestAlt[t]!) bestAlt[t] = sc[t]!
      segs.forEach(({ f0, f1 }, i) => {
        let v = 0
        for (let f = f0; f < f1; f++) v += sc[f]!
        v /= f1 - f0
        if (v > rival[i]!.score) rival[i] = { label, score: v }
      })
    }
    for (const t of TRIADS) visit(`${PITCH_NAMES[t.cls % 12]}:${t.cls < 12 ? 'maj' : 'min'}`, t)
    for (const [l, i] of labelIdx) if (l !== 'N' && l !== 'X') visit(l, templates[i]!)
    const ownScores = new Map<string, Float64Array>()
    segs.forEach(({ s, f0, f1 }, i) => {
      let mine = ownScores.get(s.label)
      if (!mine) {
        mine = templateScores(feats, templates[labelIdx.get(s.label)!]!, shift)
        ownScores.set(s.label, mine)
      }
      let m = 0
      let frameDeficit = 0
      for (let f = f0; f < f1; f++) {
        m += mine[f]!
        frameDeficit += Math.max(0, bestAlt[f]! - mine[f]!)
      }
      m /= f1 - f0
      frameDeficit /= f1 - f0
      const name = `chord ${s.token + 1} (${s.label}, ${fmt(s.start)}–${fmt(s.end)})`
      if (rival[i]!.score - m > o.weakMargin)
        out.push({
          kind: 'weak-evidence',
          token: s.token,
          message: `${name} fits the audio much worse than ${rival[i]!.label}: a typo or a missed repeat?`,
        })
      else if (frameDeficit > o.changeMargin)
        out.push({
          kind: 'changing-harmony',
          token: s.token,
          message: `${name}: the harmony changes within it; chords or a repeat may be missing from the sequence`,
        })
    })
  }
  return out
}
