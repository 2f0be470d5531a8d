/**
 * Everything ChordWarp reports for one estimated annotation, and corpus totals of it: mir_eval chord
 * scores, segmentation, frame-wise P/R/F and boundary deviations. Used by `chordwarp eval` and the
 * benchmarks, so both print the same numbers.
 */
import type { Segment } from '../chords'
import { boundaryDistances, median, pairedBoundaryDeviation } from './boundaries'
import { type CorpusScores, corpusScores, evaluateChords, type ItemEvaluation } from './evaluate'
import { type FramePrf, type FramePrfOptions, framePrf } from './frames'
import { adjustIntervals, mergeChordIntervals } from './intervals'

export interface AnnotationReport {
  chords: ItemEvaluation
  frames: FramePrf
  /**
   * Distance from each reference chord change to the nearest estimated one [seconds]
   * (`mir_eval.segment.deviation` ref→est on the merged chord intervals, track start and end trimmed).
   */
  boundaryDistances: number[]
  /** Median of {@link boundaryDistances} [seconds]; NaN when the reference has no chord change. */
  boundaryDeviation: number
  /**
   * Token-by-token deviations when estimate and reference carry the same chord sequence (forced
   * alignment; see `pairedBoundaryDeviation`), else null [seconds].
   */
  paired: number[] | null
  pairedDeviation: number | null
}

/**
 * Report one estimate against its reference.
 * @param ref reference segments [seconds]
 * @param est estimated segments [seconds]
 */
export function evaluateAnnotation(
  ref: readonly Segment[],
  est: readonly Segment[],
  frameOptions: FramePrfOptions = {},
): AnnotationReport {
  const chords = evaluateChords(ref, est)
  const tMin = Math.min(...ref.map((s) => s.start))
  const tMax = Math.max(...ref.map((s) => s.end))
  const mergedRef = mergeChordIntervals(ref)
  const mergedEst = mergeChordIntervals(adjustIntervals(est, tMin, tMax)).filter((s) => s.end > s.start)
  const d = boundaryDistances(mergedRef, mergedEst, true).refToEst
  const p = pairedBoundaryDeviation(ref, est)
  return {
    chords,
    frames: framePrf(ref, est, frameOptions),
    boundaryDistances: d,
    boundaryDeviation: median(d),
    paired: p ? p.deviations : null,
    pairedDeviation: p ? p.median : null,
  }
}

export interface CorpusReport {
  chords: CorpusScores
  /** Frame P/R/F from the pooled TP/FP/FN of all items. */
  frames: FramePrf
  /** Median of all items' reference→estimate boundary distances, pooled [seconds]. */
  boundaryDeviation: number
  /** Median of all paired deviations, pooled over the items that have them [seconds]; null if none. */
  pairedDeviation: number | null
  /** Items with a paired deviation. */
  pairedItems: number
}

/** Pool item reports into corpus totals (duration-weighted WCSR, pooled frames and boundaries). */
export function corpusReport(items: readonly AnnotationReport[]): CorpusReport {
  let tp = 0
  let fp = 0
  let fn = 0
  let frames = 0
  const dist: number[] = []
  const paired: number[] = []
  let pairedItems = 0
  for (const it of items) {
    tp += it.frames.tp
    fp += it.frames.fp
    fn += it.frames.fn
    frames += it.frames.frames
    dist.push(...it.boundaryDistances)
    if (it.paired) {
      paired.push(...it.paired)
      pairedItems++
    }
  }
  const precision = tp > 0 ? tp / (tp + fp) : 0
  const recall = tp > 0 ? tp / (tp + fn) : 0
  const f = tp > 0 ? (2 * precision * recall) / (precision + recall) : 0
  return {
    chords: corpusScores(items.map((i) => i.chords)),
    frames: { precision, recall, f, tp, fp, fn, frames },
    boundaryDeviation: median(dist),
    pairedDeviation: paired.length > 0 ? median(paired) : null,
    pairedItems,
  }
}
