/**
 * How well a typed sequence fits the recording as a whole: the evidence of the aligned labels
 * against the evidence of an unconstrained recognition (template + HMM over the 24 triads and N) on
 * the same frames. A correct sequence explains about as much as free recognition does (often more:
 * its templates carry the full chord quality); the wrong song, or the right song typed in another
 * key, leaves much of it unexplained, whatever the alignment does.
 */

import { type ChordTemplate, chordTemplate, type FrameFeatures, templateScores } from './emissions'
import { N_TEMPLATE, recognitionPath, triadScores } from './recognize'
import { timeToBound } from './time'
import type { AlignedSegment, ChromaInput } from './types'

/** Share of the sounding frames, in the worst-fitting chords, left out of `AlignFit.shortfall`. */
export const FIT_TRIM = 0.2

/** Evidence of an alignment against free recognition, over the sounding frames. */
export interface AlignFit {
  /** Mean similarity of the aligned labels, weighted by 1 − silence (scale 0 … 1 + bassWeight). */
  aligned: number
  /** Mean similarity of the recognised triads / N on the same frames, same weights. */
  recognized: number
  /**
   * Evidence per sounding frame the sequence leaves unexplained: (recognized − aligned) averaged over
   * the aligned chords' sounding frames, leaving out the worst-fitting chords that hold `FIT_TRIM`
   * (20 %) of them. Trimmed, so that a typo or a missed repeat (flagged chord by chord) does not make
   * the whole sequence look wrong; the wrong song or key leaves most chords short.
   */
  shortfall: number
  /** recognized − aligned over all sounding frames, untrimmed. */
  meanShortfall: number
  /** Sounding frames the means are taken over (Σ of 1 − silence) [frames]. */
  soundingFrames: number
}

/**
 * Compare an alignment's evidence with the recogniser's.
 * @param segments the alignment's segments (chord labels and N) covering the recording
 * @param feats the frame features the alignment used
 * @param shift semitones the audio was read above the typed chords (the transposition guard's choice)
 * @param templates, labelIdx the aligned labels' templates (labels without one are built here)
 */
export function alignmentFit(
  chroma: ChromaInput,
  segments: readonly AlignedSegment[],
  feats: FrameFeatures,
  shift: number,
  templates: readonly ChordTemplate[],
  labelIdx: ReadonlyMap<string, number>,
): AlignFit {
  const T = feats.frames
  const fr = chroma.frameRate
  const own = new Float64Array(T)
  const cache = new Map<string, Float64Array>()
  for (const s of segments) {
    const label = s.token < 0 ? 'N' : s.label
    let sc = cache.get(label)
    if (!sc) {
      const i = labelIdx.get(label)
      const tpl = label === 'N' ? N_TEMPLATE : i !== undefined ? templates[i]! : chordTemplate(label)
      sc = templateScores(feats, tpl, shift)
      cache.set(label, sc)
    }
    const f0 = timeToBound(s.start, fr, T)
    const f1 = timeToBound(s.end, fr, T)
    for (let f = f0; f < f1; f++) own[f] = sc[f]!
  }
  const path = recognitionPath(chroma, feats)
  const { scores, S } = triadScores(feats, true)
  const gap = new Float64Array(T) // recognized − aligned per frame
  let w = 0
  let a = 0
  let b = 0
  for (let t = 0; t < T; t++) {
    const wt = 1 - feats.silence[t]!
    const r = scores[t * S + path[t]!]!
    gap[t] = r - own[t]!
    w += wt
    a += wt * own[t]!
    b += wt * r
  }
  if (w <= 0) return { aligned: 0, recognized: 0, shortfall: 0, meanShortfall: 0, soundingFrames: 0 }
  // per chord: its sounding weight and mean gap; then the trimmed mean
  const chords: { w: number; gap: number }[] = []
  for (const s of segments) {
    if (s.token < 0) continue
    let cw = 0
    let cg = 0
    for (let f = timeToBound(s.start, fr, T); f < timeToBound(s.end, fr, T); f++) {
      const wt = 1 - feats.silence[f]!
      cw += wt
      cg += wt * gap[f]!
    }
    if (cw > 0) chords.push({ w: cw, gap: cg / cw })
  }
  const meanShortfall = (b - a) / w
  return {
    aligned: a / w,
    recognized: b / w,
    shortfall: chords.length ? trimmedMean(chords, FIT_TRIM) : meanShortfall,
    meanShortfall,
    soundingFrames: w,
  }
}

/** Weighted mean of the gaps after dropping the largest ones that hold `trim` of the weight. */
function trimmedMean(xs: { w: number; gap: number }[], trim: number): number {
  const sorted = [...xs].sort((p, q) => p.gap - q.gap)
  const keep = (1 - trim) * sorted.reduce((acc, x) => acc + x.w, 0)
  let acc = 0
  let sum = 0
  for (const x of sorted) {
    const w = Math.min(x.w, keep - acc)
    if (w <= 0) break
    acc += w
    sum += w * x.gap
  }
  return sum / acc
}
