/**
 * Chord recognition without a typed sequence: per-frame chord evidence smoothed by an HMM with
 * uniform transitions and one self-transition probability (libfmp C5 `uniform_transition_matrix`,
 * `viterbi_log_likelihood`), over the 24 major/minor triads and optionally N.
 *
 * Evidence: the binary-template similarities of `emissions.ts` (or a chord model's probabilities),
 * normalised per frame to sum 1 as libfmp's `chord_recognition_template(norm_sim='1')`, used as the
 * likelihood B. Uniform transitions make each Viterbi step O(S) instead of O(S²): the best
 * predecessor of state i is either i itself or the best other state.
 *
 * Confidence of a recognised segment: the probability of its label against the 24 others and N
 * given the segment's boundaries, under the aligner's evidence model (softmax over the labels of
 * the evidence summed over the segment, `evidencePerSecond` nats per second per unit of similarity,
 * or `modelEvidencePerSecond` per nat of model log-probability). The HMM's own frame posteriors are
 * not used for it: libfmp's normalised similarities are nearly flat over 25 states, so they sit
 * near 0.1 on every frame, right or wrong, and say nothing a user can act on.
 */
import { classLabel, N_CLASS } from '../chords'
import type { ModelProbabilities } from './align'
import {
  type ChordTemplate,
  type EmissionOptions,
  type FrameFeatures,
  frameFeatures,
  TRIADS,
  templateScores,
} from './emissions'
import { AlignError } from './errors'
import { boundToTime } from './time'
import type { ChordSegment, ChromaInput } from './types'

export interface RecognizeOptions {
  /**
   * Self-transition probability per frame. Default 0.15, libfmp C5's value (tuned there for
   * 10.8 frames/s; at higher frame rates larger values smooth more).
   */
  selfTransition?: number
  /** Include a no-chord state (silence). Default true. */
  noChord?: boolean
  /** Template evidence settings (bass weight, silence). */
  emission?: EmissionOptions
  /** Use a chord model's class probabilities instead of templates (classes 0..23, 24 = N if present). */
  model?: ModelProbabilities | null
  /** Recording length [seconds]. Default frames / frameRate. */
  duration?: number
  /** Confidence: weight of template evidence [nats per second per unit of similarity]. Default 20 (as alignment). */
  evidencePerSecond?: number
  /** Confidence: weight of model evidence [nats per second per nat of log-probability]. Default 5 (as alignment). */
  modelEvidencePerSecond?: number
}

export const defaultRecognizeOptions = {
  selfTransition: 0.15,
  noChord: true,
  emission: {} as EmissionOptions,
  model: null as ModelProbabilities | null,
  duration: -1,
  evidencePerSecond: 20,
  modelEvidencePerSecond: 5,
}

export interface RecognizeResult {
  segments: ChordSegment[]
  /** State per frame: 0..23 maj/min (libfmp order), 24 = N. */
  path: Int8Array
  /** Recording length [seconds]. */
  duration: number
}

const TINY = 1e-300

/** The N template (scores from the frame's silence degree). */
export const N_TEMPLATE: ChordTemplate = { kind: 'N', pcs: [], bass: -1, cls: N_CLASS }

/**
 * Template scores of the 24 triads (+ N) per frame, frames × S row-major (S = 25 with N): the
 * recogniser's raw evidence, before the per-frame normalisation.
 */
export function triadScores(feats: FrameFeatures, noChord = true): { scores: Float64Array; S: number } {
  const T = feats.frames
  const S = noChord ? 25 : 24
  const scores = new Float64Array(T * S)
  const col = new Float64Array(T)
  const tpls = noChord ? [...TRIADS, N_TEMPLATE] : TRIADS
  tpls.forEach((tpl, k) => {
    templateScores(feats, tpl, 0, col)
    for (let t = 0; t < T; t++) scores[t * S + k] = col[t]!
  })
  return { scores, S }
}

/**
 * Likelihood B (frames × S, row-major): normalised evidence per frame; and E, the same evidence in
 * nats (the aligner's scale) for the confidences.
 */
function likelihoods(
  chroma: ChromaInput,
  o: typeof defaultRecognizeOptions,
  given?: FrameFeatures,
): { B: Float64Array; E: Float64Array; S: number } {
  const T = chroma.frames
  const S = o.noChord ? 25 : 24
  let B: Float64Array
  const E = new Float64Array(T * S)
  if (o.model) {
    B = new Float64Array(T * S)
    const C = o.model.classes
    if (o.model.data.length < T * C) throw new AlignError(`model probabilities hold fewer than ${T} frames`)
    const feats = o.noChord && C < 25 ? (given ?? frameFeatures(chroma, o.emission)) : null
    for (let t = 0; t < T; t++)
      for (let k = 0; k < S; k++) {
        if (k < 24) B[t * S + k] = o.model.data[t * C + k]!
        else
          B[t * S + k] =
            C > 24 ? o.model.data[t * C + 24]! : (1 - feats!.silence[t]!) / 24 + feats!.silence[t]!
      }
  } else B = triadScores(given ?? frameFeatures(chroma, o.emission), o.noChord).scores
  if (o.model) {
    const w = o.modelEvidencePerSecond / chroma.frameRate
    for (let i = 0; i < T * S; i++) E[i] = w * Math.log(Math.max(B[i]!, 1e-12))
  } else {
    const w = o.evidencePerSecond / chroma.frameRate
    for (let i = 0; i < T * S; i++) E[i] = w * B[i]!
  }
  for (let t = 0; t < T; t++) {
    let sum = 0
    for (let k = 0; k < S; k++) sum += B[t * S + k]!
    if (sum > 0) for (let k = 0; k < S; k++) B[t * S + k]! /= sum
    else for (let k = 0; k < S; k++) B[t * S + k] = 1 / S
  }
  return { B, E, S }
}

/** Probability of label k over the frames [a, b) against every other label (softmax of summed evidence). */
function segmentConfidence(E: Float64Array, S: number, a: number, b: number, k: number): number {
  const sum = new Float64Array(S)
  for (let f = a; f < b; f++) for (let j = 0; j < S; j++) sum[j]! += E[f * S + j]!
  let max = -Infinity
  for (let j = 0; j < S; j++) if (sum[j]! > max) max = sum[j]!
  let z = 0
  for (let j = 0; j < S; j++) z += Math.exp(sum[j]! - max)
  return Math.exp(sum[k]! - max) / z
}

/**
 * Log-domain Viterbi for an HMM with uniform transitions (a_ii = p, a_ij = (1−p)/(S−1)) and a
 * uniform initial distribution (libfmp `viterbi_log_likelihood`).
 * @param B likelihoods, frames × S row-major
 * @returns the optimal state per frame
 */
export function viterbiUniform(B: Float64Array, T: number, S: number, p: number): Int8Array {
  const lp = Math.log(p + TINY)
  const lq = Math.log((1 - p) / (S - 1) + TINY)
  let D = new Float64Array(S)
  let next = new Float64Array(S)
  const back = new Int8Array(T * S)
  for (let k = 0; k < S; k++) D[k] = Math.log(1 / S) + Math.log(B[k]! + TINY)
  for (let t = 1; t < T; t++) {
    // best and second-best previous states
    let m1 = 0
    let m2 = -1
    for (let k = 1; k < S; k++) {
      if (D[k]! > D[m1]!) {
        m2 = m1
        m1 = k
      } else if (m2 < 0 || D[k]! > D[m2]!) m2 = k
    }
    for (let k = 0; k < S; k++) {
      const other = k === m1 ? m2 : m1
      const stay = D[k]! + lp
      const move = D[other]! + lq
      const lb = Math.log(B[t * S + k]! + TINY)
      if (stay >= move) {
        next[k] = stay + lb
        back[t * S + k] = k
      } else {
        next[k] = move + lb
        back[t * S + k] = other
      }
    }
    const tmp = D
    D = next
    next = tmp
  }
  const path = new Int8Array(T)
  let best = 0
  for (let k = 1; k < S; k++) if (D[k]! > D[best]!) best = k
  path[T - 1] = best
  for (let t = T - 1; t > 0; t--) path[t - 1] = back[t * S + path[t]!]!
  return path
}

/**
 * Posterior state probabilities of the same HMM (scaled forward–backward, O(T·S) thanks to the
 * uniform transitions: Σ_j α_j a_ji = q·Σα + (p − q)·α_i).
 * @returns frames × S row-major
 */
export function posteriorUniform(B: Float64Array, T: number, S: number, p: number): Float64Array {
  const q = (1 - p) / (S - 1)
  const alpha = new Float64Array(T * S)
  const beta = new Float64Array(T * S)
  let sum = 0
  for (let k = 0; k < S; k++) sum += alpha[k] = B[k]! / S
  for (let k = 0; k < S; k++) alpha[k]! /= sum || 1
  for (let t = 1; t < T; t++) {
    let tot = 0
    for (let k = 0; k < S; k++) tot += alpha[(t - 1) * S + k]!
    let z = 0
    for (let k = 0; k < S; k++) {
      const v = (q * tot + (p - q) * alpha[(t - 1) * S + k]!) * B[t * S + k]!
      alpha[t * S + k] = v
      z += v
    }
    for (let k = 0; k < S; k++) alpha[t * S + k]! /= z || 1
  }
  for (let k = 0; k < S; k++) beta[(T - 1) * S + k] = 1
  for (let t = T - 2; t >= 0; t--) {
    let tot = 0
    for (let k = 0; k < S; k++) tot += B[(t + 1) * S + k]! * beta[(t + 1) * S + k]!
    let z = 0
    for (let k = 0; k < S; k++) {
      const v = q * tot + (p - q) * B[(t + 1) * S + k]! * beta[(t + 1) * S + k]!
      beta[t * S + k] = v
      z += v
    }
    for (let k = 0; k < S; k++) beta[t * S + k]! /= z || 1
  }
  const post = new Float64Array(T * S)
  for (let t = 0; t < T; t++) {
    let z = 0
    for (let k = 0; k < S; k++) z += post[t * S + k] = alpha[t * S + k]! * beta[t * S + k]!
    for (let k = 0; k < S; k++) post[t * S + k]! /= z || 1
  }
  return post
}

/**
 * Recognise chords (24 maj/min + N) without a sequence.
 * @param chroma the recording's chroma
 * @returns segments covering [0, duration] labelled `C:maj` … `B:min` (sharps, libfmp names) or `N`,
 *   each with the probability of its label given its boundaries as confidence (see the module note)
 * @example recognizeChords(chroma).segments
 */
export function recognizeChords(chroma: ChromaInput, options: RecognizeOptions = {}): RecognizeResult {
  const o = { ...defaultRecognizeOptions, ...options }
  const T = chroma.frames
  const fr = chroma.frameRate
  if (T === 0) throw new AlignError('the recording has no audio frames to recognise')
  if (!(o.selfTransition >= 0 && o.selfTransition <= 1))
    throw new AlignError(`selfTransition must lie in [0, 1], got ${o.selfTransition}`)
  const duration = o.duration >= 0 ? o.duration : T / fr
  if (!(o.evidencePerSecond > 0) || !(o.modelEvidencePerSecond > 0))
    throw new AlignError('evidencePerSecond and modelEvidencePerSecond must be positive')
  const { B, E, S } = likelihoods(chroma, o)
  const path = viterbiUniform(B, T, S, o.selfTransition)
  const segments: ChordSegment[] = []
  let a = 0
  for (let t = 1; t <= T; t++) {
    if (t < T && path[t] === path[a]) continue
    const k = path[a]!
    segments.push({
      start: boundToTime(a, fr, T, duration),
      end: boundToTime(t, fr, T, duration),
      label: k === 24 ? 'N' : classLabel(k),
      confidence: segmentConfidence(E, S, a, t, k),
    })
    a = t
  }
  return { segments: segments.filter((s) => s.end > s.start), path, duration }
}

/**
 * The recogniser's Viterbi path (template + HMM, 24 triads + N) on features already computed: the
 * unconstrained baseline the aligner compares its own evidence with.
 * @returns state per frame (0..23 maj/min, 24 = N)
 */
export function recognitionPath(
  chroma: ChromaInput,
  feats: FrameFeatures,
  selfTransition = defaultRecognizeOptions.selfTransition,
): Int8Array {
  const o = { ...defaultRecognizeOptions, selfTransition }
  const { B, S } = likelihoods(chroma, o, feats)
  return viterbiUniform(B, chroma.frames, S, o.selfTransition)
}
