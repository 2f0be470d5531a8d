/**
 * What a model learned and how it does, as plain arrays for the insight views (the seed's figures,
 * live): its 24×12 templates (Fig. 4.3), the soft-DTW expected alignment E between its predictions
 * and a typed sequence (Alg. 2) with the hard path, its accuracy per recording and per chord, and the
 * class distributions of training targets (Tables 4.2 / 4.3).
 */
import { type ModelProbabilities, recognizeChords } from '../../core/align'
import { classLabel, EXCLUDED, mergeRepeats, N_CLASS, parseSequence, type Segment } from '../../core/chords'
import { costMatrix, hardDtw, softDtw } from '../../core/dtw'
import {
  adjustIntervals,
  compareChords,
  evaluateChords,
  framePrf,
  mergeLabeledIntervals,
} from '../../core/eval'
import {
  type ChordModel,
  classDistribution,
  cutSegments,
  labelClass,
  NUM_CHORDS,
  oneHot,
  padSequence,
  type Recording,
} from '../../core/model'
import { predictFrames, type RawChroma } from './probs'

/** The templates of a model: 24 rows (C:maj … B:maj, C:min … B:min) × 12 chroma (C … B), and η. */
export interface TemplateMatrix {
  rows: string[]
  templates: number[][]
  eta: number
}

/** A model's effective templates (`conv` gives its centre-tap composite). */
export function templateMatrix(model: ChordModel): TemplateMatrix {
  return {
    rows: Array.from({ length: NUM_CHORDS }, (_, k) => classLabel(k)),
    templates: model.templates(),
    eta: model.eta(),
  }
}

/** The soft-DTW expected alignment of a recording's predictions with its typed sequence. */
export interface ExpectedAlignment {
  /** Frames N of the model's grid. */
  frames: number
  /** [frames/s]; frame i is centred at i / frameRate [seconds]. */
  frameRate: number
  /** The typed chords that are aligned (maj/min classes; N and X tokens left out), in order. */
  labels: string[]
  /** Their classes [0..23]. */
  classes: number[]
  /** E, frames × labels row-major: expected alignment ∂sdtw/∂C (seed Alg. 2), in [0, 1]. */
  E: Float32Array
  /** The hard-DTW path on the same cost, as [frame, position] pairs from start to end. */
  path: [number, number][]
  /** Soft-DTW value with γ, and the hard DTW cost. */
  value: number
  hardValue: number
  gamma: number
  /** Typed tokens left out because they are not maj/min chords (N, X, sus …). */
  skipped: string[]
}

/**
 * Soft-DTW between a model's frame-wise predictions p_i (24 probabilities) and the one-hot typed
 * sequence y_j, with the seed's cost C(i, j) = ‖p_i − y_j‖² and steps; E = ∂sdtw/∂C is the expected
 * alignment (every row and column of a valid alignment carries mass). The hard path is the DTW
 * optimum on the same cost.
 * @param probs frames×24 probabilities (e.g. `predictFrames`)
 * @param sequence the typed chord sequence (lead-sheet or Harte)
 * @param gamma soft-min temperature γ (Default value = 1, the trainer's default)
 * @throws Error when the sequence has no chord or is longer than the recording
 */
export function expectedAlignment(
  probs: { data: Float32Array; frames: number; frameRate: number; classes: number },
  sequence: string,
  gamma = 1,
): ExpectedAlignment {
  const parsed = parseSequence(sequence)
  if (parsed.errors.length > 0)
    throw new InsightError(`the typed sequence has errors: ${parsed.errors[0]!.message}`)
  const labels: string[] = []
  const classes: number[] = []
  const skipped: string[] = []
  for (const c of mergeRepeats(parsed.chords)) {
    const k = labelClass(c.label)
    if (k === N_CLASS || k === EXCLUDED) skipped.push(c.label)
    else {
      labels.push(c.label)
      classes.push(k)
    }
  }
  const N = probs.frames
  const M = classes.length
  if (M === 0) throw new InsightError('the typed sequence has no major or minor chord to align')
  if (M > N) throw new InsightError(`the sequence has ${M} chords but the recording only ${N} model frames`)
  const x = new Float64Array(N * NUM_CHORDS)
  for (let i = 0; i < N; i++)
    for (let k = 0; k < NUM_CHORDS; k++) x[i * NUM_CHORDS + k] = probs.data[i * probs.classes + k]!
  const y = Float64Array.from(oneHot(classes))
  const C = costMatrix(x, y, NUM_CHORDS, { cost: 'sqeuclidean' })
  const soft = softDtw(C, N, M, { gamma })
  const hard = hardDtw(C, N, M, { path: true, grad: false })
  return {
    frames: N,
    frameRate: probs.frameRate,
    labels,
    classes,
    E: Float32Array.from(soft.grad ?? new Float64Array(N * M)),
    path: hard.path ?? [],
    value: soft.value,
    hardValue: hard.value,
    gamma,
    skipped,
  }
}

/** A user-facing problem with an insight request. */
export class InsightError extends Error {
  override name = 'InsightError'
  readonly userError = true
}

/** A recording with its reviewed reference, for scoring. */
export interface ScoredRecording {
  id: string
  title: string
  fmp: RawChroma
  /** Reference segments [seconds]. */
  reference: Segment[]
}

/** Accuracy of a model on one recording. */
export interface RecordingAccuracy {
  id: string
  title: string
  /** mir_eval majmin WCSR of dChord + HMM recognition against the reference. */
  majmin: number
  /** Frame-wise F of the arg-max prediction (the seed's metric, 24 classes, N no positive). */
  frameF: number
  /** Reference duration [seconds]. */
  duration: number
}

/** Accuracy on the frames whose reference is one chord class. */
export interface ChordAccuracy {
  label: string
  cls: number
  /** Reference duration of this chord [seconds]. */
  duration: number
  /** Fraction of that duration recognised as this chord (recall). */
  recall: number
  /** Fraction of the duration recognised as this chord that is this chord (precision); null if never estimated. */
  precision: number | null
}

/** Per-recording and per-chord accuracy of a model. */
export interface ModelAccuracy {
  perRecording: RecordingAccuracy[]
  perChord: ChordAccuracy[]
  /** Pooled majmin WCSR and frame F. */
  majmin: number
  frameF: number
}

/** Segments of a class per frame (frame t owns [(t − ½)/r, (t + ½)/r), the first from 0). */
export function classesToSegments(
  classes: ArrayLike<number>,
  frameRate: number,
  duration: number,
): Segment[] {
  const out: Segment[] = []
  let start = 0
  for (let t = 1; t <= classes.length; t++) {
    if (t < classes.length && classes[t] === classes[t - 1]) continue
    const end = t === classes.length ? duration : (t - 0.5) / frameRate
    if (end > start) out.push({ start, end, label: classLabel(classes[t - 1]!) })
    start = end
  }
  return out
}

/**
 * Score a model on recordings with reviewed references: recognition (dChord + HMM, libfmp C5) by
 * mir_eval majmin WCSR per recording and per chord class, plus the seed's frame-wise F of the
 * arg-max prediction.
 * @param model a loaded model
 * @param items recordings with their fmp chroma and reference segments
 */
export function modelAccuracy(model: ChordModel, items: readonly ScoredRecording[]): ModelAccuracy {
  const perRecording: RecordingAccuracy[] = []
  const chordDur = new Float64Array(NUM_CHORDS)
  const chordHit = new Float64Array(NUM_CHORDS)
  const estDur = new Float64Array(NUM_CHORDS)
  let correct = 0
  let comparable = 0
  let tp = 0
  let fp = 0
  let fn = 0
  for (const it of items) {
    if (it.reference.length === 0) continue
    const duration = it.reference.at(-1)!.end
    const p = predictFrames(model, it.fmp)
    const probs: ModelProbabilities = { data: p.data, classes: p.classes }
    const rec = recognizeChords(it.fmp, { model: probs, duration })
    const ev = evaluateChords(it.reference, rec.segments)
    correct += ev.correct.majmin
    comparable += ev.comparable.majmin
    const argmax = new Int8Array(p.frames)
    for (let t = 0; t < p.frames; t++) {
      let best = 0
      for (let k = 1; k < NUM_CHORDS; k++)
        if (p.data[t * NUM_CHORDS + k]! > p.data[t * NUM_CHORDS + best]!) best = k
      argmax[t] = best
    }
    const prf = framePrf(it.reference, classesToSegments(argmax, p.frameRate, duration), {
      frameRate: p.frameRate,
    })
    tp += prf.tp
    fp += prf.fp
    fn += prf.fn
    perRecording.push({
      id: it.id,
      title: it.title,
      majmin: ev.scores.majmin,
      frameF: prf.f,
      duration: ev.duration,
    })
    // per chord: the merged intervals of reference and recognition, compared by the majmin rule
    const t0 = it.reference[0]!.start
    const adjusted = adjustIntervals(rec.segments, t0, duration, 'N', 'N')
    const { intervals, xLabels, yLabels } = mergeLabeledIntervals(it.reference, adjusted)
    const cmp = compareChords('majmin', xLabels, yLabels)
    for (let i = 0; i < intervals.length; i++) {
      const d = intervals[i]!.end - intervals[i]!.start
      const rc = labelClass(xLabels[i]!)
      const ec = labelClass(yLabels[i]!)
      if (rc >= 0 && rc < NUM_CHORDS && cmp[i]! >= 0) {
        chordDur[rc]! += d
        if (cmp[i] === 1) chordHit[rc]! += d
      }
      if (ec >= 0 && ec < NUM_CHORDS) estDur[ec]! += d
    }
  }
  const estHit = new Float64Array(NUM_CHORDS)
  for (let k = 0; k < NUM_CHORDS; k++) estHit[k] = chordHit[k]!
  const perChord: ChordAccuracy[] = []
  for (let k = 0; k < NUM_CHORDS; k++)
    perChord.push({
      label: classLabel(k),
      cls: k,
      duration: chordDur[k]!,
      recall: chordDur[k]! > 0 ? chordHit[k]! / chordDur[k]! : 0,
      precision: estDur[k]! > 0 ? estHit[k]! / estDur[k]! : null,
    })
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0
  return {
    perRecording,
    perChord,
    majmin: comparable > 0 ? correct / comparable : 0,
    frameF: tp > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  }
}

/** One row of Tables 4.2 / 4.3: how often each kind of class occurs in a kind of target. */
export interface DistributionRow {
  name: string
  major: number
  minor: number
  noChord: number
  excluded: number
  total: number
  /** Targets per class 0..23 (chord classes only). */
  perClass: number[]
}

/**
 * Class distributions of the training targets (seed Tables 4.2 / 4.3): the strong frame targets of
 * the training segments, their coarse sequences, and the coarse sequences padded to each soft length
 * with uniform and last-element padding.
 * @param recordings training recordings with strong targets
 * @param softLengths soft lengths L to tabulate (Default value = [16, 75], the seed's)
 * @param segmentLength segment length [frames] (Default value = 150)
 */
export function targetDistributions(
  recordings: readonly Recording[],
  softLengths: readonly number[] = [16, 75],
  segmentLength = 150,
): { segments: number; rows: DistributionRow[] } {
  const items = recordings.flatMap((r) => cutSegments(r, { length: segmentLength }))
  const row = (name: string, seqs: ArrayLike<number>[]): DistributionRow => {
    const perClass = new Array<number>(NUM_CHORDS).fill(0)
    for (const s of seqs)
      for (let i = 0; i < s.length; i++) {
        const c = s[i]!
        if (c >= 0 && c < NUM_CHORDS) perClass[c]!++
      }
    return { name, ...classDistribution(seqs), perClass }
  }
  const rows: DistributionRow[] = [
    row(
      `strong (${segmentLength} frames)`,
      items.map((i) => i.strong!),
    ),
    row(
      'coarse (no padding)',
      items.map((i) => i.coarse),
    ),
  ]
  for (const L of softLengths) {
    rows.push(
      row(
        `soft ${L}, uniform`,
        items.map((i) => padSequence(i.coarse, L, 'uniform')),
      ),
    )
    rows.push(
      row(
        `soft ${L}, last`,
        items.map((i) => padSequence(i.coarse, L, 'last')),
      ),
    )
  }
  return { segments: items.length, rows }
}
