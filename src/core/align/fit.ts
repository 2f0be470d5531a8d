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

/** Evidence of an alignment against free recognition, over the sounding frames. */
export interface AlignFit {
  /** Mean similarity of the aligned labels, weighted by 1 − silence (scale 0 … 1 + bassWeight). */
  aligned: number
  /** Mean similarity of the recognised triads / N on the same frames, same weights. */
  recognized: number
  /**
   * recognized − aligned: evidence per sounding frame the sequence leaves unexplained. A typo costs
   * its own frames only (a few % of a song; it is flagged chord by chord); the wrong song or key
   * leaves most frames short. (A trimmed mean, leaving out the worst-fitting 20 % of the chords, was
   * tried: it separated correct from wrong sequences far worse, see docs/align.md.)
   */
  shortfall: number
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
  let w = 0
  let a = 0
  let b = 0
  for (let t = 0; t < T; t++) {
    const wt = 1 - feats.silence[t]!
    w += wt
    a += wt * own[t]!
    b += wt * scores[t * S + path[t]!]!
  }
  if (w <= 0) return { aligned: 0, recognized: 0, shortfall: 0, soundingFrames: 0 }
  return { aligned: a / w, recognized: b / w, shortfall: (b - a) / w, soundingFrames: w }
}
