/**
 * `mir_eval.chord.evaluate` for one item, plus what a corpus total needs (the duration each rule could
 * compare), and the corpus-level duration-weighted chord symbol recall (WCSR).
 */
import type { Segment } from '../chords'
import { CHORD_METRICS, type ChordMetric, compareEncoded, weightedAccuracy } from './compare'
import { encodeMany } from './encode'
import {
  adjustIntervals,
  intervalsToDurations,
  mergeChordIntervals,
  mergeLabeledIntervals,
} from './intervals'
import { overseg, underseg } from './segmentation'

/** Scores of one item, as `mir_eval.chord.evaluate` returns them. */
export type ChordScores = Record<ChordMetric, number> & {
  underseg: number
  overseg: number
  seg: number
}

/** One item's evaluation: the scores and the bookkeeping for corpus totals. */
export interface ItemEvaluation {
  scores: ChordScores
  /** Duration the rule could compare (reference not -1) [seconds]. */
  comparable: Record<ChordMetric, number>
  /** Duration scored correct [seconds]. */
  correct: Record<ChordMetric, number>
  /** Reference span [seconds]. */
  duration: number
}

/**
 * Evaluate an estimated annotation against a reference exactly as `mir_eval.chord.evaluate`:
 * the estimate is cropped/padded with `N` to the reference span (`adjust_intervals`), both are
 * cut at the union of boundaries (`merge_labeled_intervals`), each rule is duration-weighted
 * ignoring -1 (`weighted_accuracy`), and segmentation uses `merge_chord_intervals` of both.
 * @param ref reference segments [seconds] (e.g. a `.lab`), non-empty, sorted
 * @param est estimated segments [seconds], non-empty
 * @throws Error on empty or malformed input; ChordSyntaxError on a bad label
 */
export function evaluateChords(ref: readonly Segment[], est: readonly Segment[]): ItemEvaluation {
  if (ref.length === 0) throw new Error('the reference annotation is empty')
  if (est.length === 0) throw new Error('the estimated annotation is empty')
  let tMin = Number.POSITIVE_INFINITY
  let tMax = Number.NEGATIVE_INFINITY
  for (const s of ref) {
    tMin = Math.min(tMin, s.start, s.end)
    tMax = Math.max(tMax, s.start, s.end)
  }
  const adjusted = adjustIntervals(est, tMin, tMax, 'N', 'N')
  const mergedRef = mergeChordIntervals(ref)
  const mergedEst = mergeChordIntervals(adjusted)
  const { intervals, xLabels, yLabels } = mergeLabeledIntervals(ref, adjusted)
  const durations = intervalsToDurations(intervals)
  const r = encodeMany(xLabels)
  const e = encodeMany(yLabels)
  const scores = {} as ChordScores
  const comparable = {} as Record<ChordMetric, number>
  const correct = {} as Record<ChordMetric, number>
  const cmp = new Float64Array(durations.length)
  for (const m of CHORD_METRICS) {
    let valid = 0
    let good = 0
    for (let i = 0; i < cmp.length; i++) {
      cmp[i] = compareEncoded(m, r[i]!, e[i]!)
      if (cmp[i]! >= 0) {
        valid += durations[i]!
        good += cmp[i]! * durations[i]!
      }
    }
    scores[m] = weightedAccuracy(cmp, durations)
    comparable[m] = valid
    correct[m] = good
  }
  scores.underseg = underseg(mergedRef, mergedEst)
  scores.overseg = overseg(mergedRef, mergedEst)
  scores.seg = Math.min(scores.overseg, scores.underseg)
  return { scores, comparable, correct, duration: tMax - tMin }
}

/** Corpus totals: duration-weighted scores over items. */
export interface CorpusScores {
  /** WCSR per rule: Σ correct duration / Σ comparable duration over items (0 when nothing compares). */
  wcsr: Record<ChordMetric, number>
  /** Segmentation scores weighted by each item's reference duration. */
  underseg: number
  overseg: number
  seg: number
  /** Total reference duration [seconds]. */
  duration: number
  items: number
}

/**
 * Duration-weighted totals over a corpus (WCSR): each rule pools the comparable duration of all
 * items, so a long song weighs more than a short clip, as in MIREX.
 */
export function corpusScores(items: readonly ItemEvaluation[]): CorpusScores {
  const wcsr = {} as Record<ChordMetric, number>
  for (const m of CHORD_METRICS) {
    let valid = 0
    let good = 0
    for (const it of items) {
      valid += it.comparable[m]
      good += it.correct[m]
    }
    wcsr[m] = valid > 0 ? good / valid : 0
  }
  let duration = 0
  let under = 0
  let over = 0
  let seg = 0
  for (const it of items) {
    duration += it.duration
    under += it.scores.underseg * it.duration
    over += it.scores.overseg * it.duration
    seg += it.scores.seg * it.duration
  }
  const w = duration > 0 ? 1 / duration : 0
  return { wcsr, underseg: under * w, overseg: over * w, seg: seg * w, duration, items: items.length }
}
