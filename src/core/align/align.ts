/**
 * Forced alignment of a typed chord sequence to a recording.
 *
 * The user's sequence is the truth about order; the audio decides the times. Steps:
 * 1. the sequence is parsed (Harte labels, kept rich) and adjacent repeats merged;
 * 2. per-frame evidence for every distinct chord: full-quality templates + bass (`emissions.ts`),
 *    or the model's class probabilities;
 * 3. locked boundaries (anchors) cut the recording into independent regions;
 * 4. each region is solved by explicit-duration Viterbi (`hsmm.ts`) with a heavy-tailed log-normal
 *    duration prior around region length ÷ chord count, and optional N at the very start and end;
 * 5. the transposition guard repeats 4 with the audio read ±1 semitone and keeps the best total;
 * 6. a banded forward–backward over the same model gives boundary and segment confidences;
 * 7. warnings flag what looks wrong (too dense a sequence, a last chord absorbing a long tail,
 *    chords the audio contradicts).
 */
import { formatHarte, mergeRepeats, parseHarte } from '../chords'
import { type DurationPriorOptions, durationKernel, oneSidedKernel } from './duration'
import {
  blockFeatures,
  type ChordTemplate,
  chordTemplate,
  type EmissionOptions,
  type FrameFeatures,
  frameFeatures,
  templateScores,
} from './emissions'
import { AlignError } from './errors'
import { alignmentFit } from './fit'
import { type HsmmProblem, hsmmPosterior, hsmmViterbi } from './hsmm'
import { boundToTime, timeToBound } from './time'
import type { AlignedBoundary, AlignedSegment, AlignResult, Anchor, ChromaInput } from './types'
import { alignmentWarnings } from './warnings'

/** Per-frame class probabilities of a chord model (dChord): frames×classes row-major. */
export interface ModelProbabilities {
  /** frames×classes row-major probabilities; classes 0..11 maj, 12..23 min (libfmp order), 24 = N if present. */
  data: Float32Array
  /** 24 or 25. */
  classes: number
}

export interface AlignOptions {
  /** Allow no-chord before the first chord (silence, count-in). Default true. */
  leadingN?: boolean
  /** Allow no-chord after the last chord (fade-out, silence). Default true. */
  trailingN?: boolean
  /**
   * Let the first and last chord of the recording be as long as the audio says (no penalty above the
   * typical length): intros vamp, final chords are held or fade. Default true.
   */
  openEnds?: boolean
  /** Also read the audio ±1 semitone above the typed chords and keep the best alignment. Default true. */
  transpositionGuard?: boolean
  /**
   * Weight of template evidence [nats per second per unit of similarity]: how strongly one second of
   * audio that fits a chord better (by 1 on the similarity scale) outweighs the duration prior.
   * Given per second so that the balance does not depend on the hop size. Default 20.
   */
  evidencePerSecond?: number
  /** Weight of model evidence [nats per second per nat of log-probability]. Default 5. */
  modelEvidencePerSecond?: number
  /** Cost of a leading or trailing N segment [nats]. Default 2. */
  noChordPenalty?: number
  /** Chord-duration prior (see `duration.ts`). */
  durationPrior?: DurationPriorOptions
  /** Template emission settings (see `emissions.ts`). */
  emission?: EmissionOptions
  /** Use these model probabilities instead of chroma templates. */
  model?: ModelProbabilities | null
  /** Locked boundaries: alignment runs independently between them. Default none. */
  anchors?: Anchor[]
  /**
   * A previous result for the same recording and sequence: regions whose two bounding anchors are
   * unchanged are copied from it instead of recomputed, and its transposition is kept.
   */
  previous?: AlignResult | null
  /** Recording length [seconds]. Default frames / frameRate. */
  duration?: number
  /** Half-width of the window around each boundary for the posterior [seconds]. Default 1.5. */
  posteriorWindow?: number
  /** A boundary's confidence is its posterior mass within ± this of its time [seconds]. Default 0.1. */
  boundaryTolerance?: number
  /** Temperature of the posterior (1 = the model as is; larger = softer confidences). Default 1. */
  confidenceTemperature?: number
  /** Average chord length below which the sequence is called too dense [seconds]. Default 0.5. */
  denseSeconds?: number
  /** A chord this many times longer than the median chord is called long … Default 4. */
  longFactor?: number
  /** … if it also exceeds the median by this much [seconds]. Default 8. */
  longSeconds?: number
  /**
   * A chord shorter than this is called squeezed [seconds]. Default 0.1 (the aligner gives a chord
   * the audio does not support one or two frames). On the dev corpus' train/val items aligned with
   * their correct sequences, 0.4 % of chords trip it; 10 of 25 random one-chord typos do.
   */
  shortSeconds?: number
  /**
   * Weak evidence: the best alternative chord's mean similarity over the segment exceeds the chord's
   * own by more than this (similarity scale 0 … 1 + bassWeight). Default 0.3: trips on 0.6 % of
   * correct chords and on 11 of the 15 typos that were not squeezed (dev train/val).
   */
  weakMargin?: number
  /**
   * Changing harmony: the frame-by-frame shortfall against the best alternative, averaged over the
   * segment, exceeds this. Default 0.4 (0.1 % of correct chords on dev train/val).
   */
  changeMargin?: number
  /**
   * Poor fit: the sequence's evidence falls short of free recognition's (template + HMM) by more than
   * this per sounding frame (similarity scale 0 … 1 + bassWeight): the wrong recording, or chords
   * typed in another key. Default 0.1: the largest shortfall of a correct sequence on the train/val
   * items of the dev corpus and its eight harder copies (0.062), rounded up to 0.05 (bench/poorfit.mjs;
   * rates in docs/align.md).
   */
  poorFitMargin?: number
  /**
   * Move each chord-to-chord boundary by up to `onsetReach` onto the frame where the onset strength
   * (`ChromaInput.onset`) peaks, when that peak is `onsetRatio` times the onset at the decoded
   * boundary: chords change where notes start, and the chroma's long window blurs the change over
   * several frames. Needs chroma with `onset`. Default true.
   */
  onsetSnap?: boolean
  /** How far a boundary may move onto an onset [seconds]. Default 0.05 (one frame of `align`). */
  onsetReach?: number
  /** How much stronger the onset must be than at the decoded boundary [-]. Default 1.5. */
  onsetRatio?: number
}

export const defaultAlignOptions = {
  leadingN: true,
  transpositionGuard: true,
  trailingN: true,
  openEnds: true,
  evidencePerSecond: 20,
  modelEvidencePerSecond: 5,
  noChordPenalty: 2,
  durationPrior: {} as DurationPriorOptions,
  emission: {} as EmissionOptions,
  model: null as ModelProbabilities | null,
  anchors: [] as Anchor[],
  previous: null as AlignResult | null,
  duration: -1,
  posteriorWindow: 1.5,
  boundaryTolerance: 0.1,
  confidenceTemperature: 1,
  denseSeconds: 0.5,
  longFactor: 4,
  longSeconds: 8,
  shortSeconds: 0.1,
  weakMargin: 0.3,
  changeMargin: 0.4,
  poorFitMargin: 0.1,
  onsetSnap: true,
  onsetReach: 0.05,
  onsetRatio: 1.5,
}

export type ResolvedAlignOptions = typeof defaultAlignOptions
type Resolved = ResolvedAlignOptions

/** A region between two fixed points: tokens [tok0, tok1) in frames [f0, f1). */
interface Region {
  tok0: number
  tok1: number
  f0: number
  f1: number
  leadN: boolean
  trailN: boolean
  /** Exact times of the region's ends when they are anchors (else null) [seconds]. */
  t0: number | null
  t1: number | null
}

/** The solved boundaries of a region and their posteriors. */
interface RegionSolution {
  /** Global frame of b_0 … b_K. */
  bounds: Int32Array
  /** P(b_j ≤ f) for f in [cdfLo[j], cdfLo[j] + cdf[j].length); 0 below, 1 above. */
  cdfLo: Int32Array
  cdf: Float64Array[]
  score: number
}

/** Evidence of each distinct label, as prefix sums over the recording, for one transposition. */
function evidence(
  chroma: ChromaInput,
  templates: ChordTemplate[],
  o: Resolved,
  shift: number,
  feats: FrameFeatures,
): Float64Array[] {
  const T = feats.frames
  const cum: Float64Array[] = []
  for (const tpl of templates) {
    let e: Float64Array
    if (o.model)
      e = modelEvidence(o.model, T, tpl, shift, feats.silence, o.modelEvidencePerSecond / chroma.frameRate)
    else {
      // per fine frame; on block-summed features (the guard) each value already sums its block
      e = templateScores(feats, tpl, shift)
      const w = o.evidencePerSecond / chroma.frameRate
      for (let t = 0; t < T; t++) e[t] *= w
    }
    const c = new Float64Array(T + 1)
    for (let t = 0; t < T; t++) c[t + 1] = c[t]! + e[t]!
    cum.push(c)
  }
  return cum
}

/** Frames per coarse step for the transposition guard (≈ 5 steps/s), 1 if a region would not fit. */
function coarseFactor(frameRate: number, regs: Region[]): number {
  const q = Math.max(1, Math.floor(frameRate / 5))
  for (const r of regs) {
    const c = coarseRegion(r, q)
    if (c.f1 - c.f0 < r.tok1 - r.tok0) return 1
  }
  return q
}

/** Prefix sums at every q-th frame: block sums of q frames stay exact. */
function coarsen(cum: Float64Array, q: number): Float64Array {
  const T = cum.length - 1
  const n = Math.ceil(T / q)
  const out = new Float64Array(n + 1)
  for (let i = 0; i <= n; i++) out[i] = cum[Math.min(T, i * q)]!
  return out
}

function coarseRegion(r: Region, q: number): Region {
  return { ...r, f0: Math.round(r.f0 / q), f1: Math.round(r.f1 / q) }
}

/** Log-probability evidence from a chord model (classes rotated by the shift). */
function modelEvidence(
  m: ModelProbabilities,
  T: number,
  tpl: ChordTemplate,
  shift: number,
  silence: Float64Array,
  w: number,
): Float64Array {
  const C = m.classes
  if (m.data.length < T * C) throw new AlignError(`model probabilities hold fewer than ${T} frames`)
  const e = new Float64Array(T)
  const rot = (k: number) => (k < 12 ? (k + shift + 120) % 12 : 12 + ((k - 12 + shift + 120) % 12))
  for (let t = 0; t < T; t++) {
    let p: number
    if (tpl.kind === 'N') p = C > 24 ? m.data[t * C + 24]! : (1 - silence[t]!) / 24 + silence[t]!
    else if (tpl.kind === 'X') {
      p = 0
      for (let k = 0; k < 24; k++) p = Math.max(p, m.data[t * C + k]!)
    } else p = m.data[t * C + rot(tpl.cls)]!
    e[t] = Math.log(Math.max(p, 1e-6)) * w
  }
  return e
}

/** Split the recording at the anchors. */
function regions(K: number, T: number, frameRate: number, anchors: Anchor[], o: Resolved): Region[] {
  const pts = anchors.map((a) => ({ token: a.token, frame: timeToBound(a.time, frameRate, T), time: a.time }))
  const out: Region[] = []
  let cur = { token: 0, frame: 0, time: null as number | null, free: true }
  if (pts.length > 0 && pts[0]!.token === 0) {
    const a = pts.shift()!
    if (a.frame > 0)
      out.push({ tok0: 0, tok1: 0, f0: 0, f1: a.frame, leadN: true, trailN: false, t0: null, t1: a.time })
    cur = { token: 0, frame: a.frame, time: a.time, free: false }
  }
  let endAnchor: (typeof pts)[number] | null = null
  if (pts.length > 0 && pts[pts.length - 1]!.token === K) endAnchor = pts.pop()!
  for (const a of pts) {
    out.push({
      tok0: cur.token,
      tok1: a.token,
      f0: cur.frame,
      f1: a.frame,
      leadN: cur.free && o.leadingN,
      trailN: false,
      t0: cur.time,
      t1: a.time,
    })
    cur = { token: a.token, frame: a.frame, time: a.time, free: false }
  }
  const f1 = endAnchor ? endAnchor.frame : T
  out.push({
    tok0: cur.token,
    tok1: K,
    f0: cur.frame,
    f1,
    leadN: cur.free && o.leadingN,
    trailN: !endAnchor && o.trailingN,
    t0: cur.time,
    t1: endAnchor ? endAnchor.time : null,
  })
  if (endAnchor && f1 < T)
    out.push({ tok0: K, tok1: K, f0: f1, f1: T, leadN: false, trailN: true, t0: endAnchor.time, t1: null })
  for (const r of out) {
    const need = r.tok1 - r.tok0
    if (r.f1 - r.f0 < need)
      throw new AlignError(
        `${need} chord(s) between locked boundaries at ${(r.f0 / frameRate).toFixed(2)} s and ${(r.f1 / frameRate).toFixed(2)} s do not fit (${r.f1 - r.f0} frames): move or unlock a boundary`,
      )
  }
  return out
}

function checkAnchors(anchors: readonly Anchor[], K: number, duration: number): Anchor[] {
  const a = [...anchors].sort((x, y) => x.token - y.token)
  for (let i = 0; i < a.length; i++) {
    const { token, time } = a[i]!
    if (!Number.isInteger(token) || token < 0 || token > K)
      throw new AlignError(`locked boundary for chord ${token} is outside the sequence (0 … ${K})`)
    if (!Number.isFinite(time) || time < 0 || time > duration + 1e-9)
      throw new AlignError(
        `locked boundary at ${time} s lies outside the recording (0 … ${duration.toFixed(2)} s)`,
      )
    if (i > 0 && a[i - 1]!.token === token) throw new AlignError(`chord ${token} has two locked boundaries`)
    if (i > 0 && a[i - 1]!.time >= time)
      throw new AlignError(
        `locked boundaries are out of order: chord ${a[i - 1]!.token} at ${a[i - 1]!.time} s, chord ${token} at ${time} s`,
      )
  }
  return a
}

/** Solve one region for one transposition. */
function solveRegion(
  r: Region,
  tokenIdx: Int32Array,
  cum: Float64Array[],
  nIdx: number,
  o: Resolved,
  frameRate: number,
  withPosterior: boolean,
): RegionSolution {
  const n = r.f1 - r.f0
  const K = r.tok1 - r.tok0
  const view = (c: Float64Array) => c.subarray(r.f0, r.f1 + 1)
  const kernel = durationKernel(n / Math.max(K, 1), n, o.durationPrior)
  const p: HsmmProblem = {
    n,
    cum: Array.from({ length: K }, (_, k) => view(cum[tokenIdx[r.tok0 + k]!]!)),
    cumN: view(cum[nIdx]!),
    kernel,
    firstKernel: r.leadN && o.openEnds ? oneSidedKernel(kernel) : undefined,
    lastKernel: r.trailN && o.openEnds ? oneSidedKernel(kernel) : undefined,
    leadN: r.leadN || K === 0,
    trailN: r.trailN,
    nPenalty: o.noChordPenalty,
  }
  const path = hsmmViterbi(p)
  const bounds = Int32Array.from(path.bounds, (b) => b + r.f0)
  const cdfLo = new Int32Array(K + 1)
  const cdf: Float64Array[] = []
  if (withPosterior && K > 0) {
    const half = Math.max(2, Math.round(o.posteriorWindow * frameRate))
    const post = hsmmPosterior(p, path.bounds, half, o.confidenceTemperature)
    for (let j = 0; j <= K; j++) {
      cdfLo[j] = post.lo[j]! + r.f0
      const q = post.post[j]!
      const c = new Float64Array(q.length)
      let acc = 0
      for (let i = 0; i < q.length; i++) c[i] = acc += q[i]!
      cdf.push(c)
    }
  } else
    for (let j = 0; j <= K; j++) {
      cdfLo[j] = bounds[j]!
      cdf.push(Float64Array.of(1))
    }
  return { bounds, cdfLo, cdf, score: path.score }
}

/** P(b ≤ f) from a solved boundary's CDF window. */
function cdfAt(sol: RegionSolution, j: number, f: number): number {
  const lo = sol.cdfLo[j]!
  const c = sol.cdf[j]!
  if (f < lo) return 0
  if (f >= lo + c.length) return 1
  return Math.min(1, c[f - lo]!)
}

/**
 * Align a chord sequence to chroma features.
 * @param chroma the recording's chroma (treble, optionally bass), frames×12
 * @param sequence Harte labels in order (`parseSequence(text).chords.map(c => c.label)`); adjacent
 *   repeats are merged, `N` tokens align to no-chord, `X` to "some chord"
 * @returns segments covering the whole recording, with confidences and warnings
 * @throws AlignError for an empty sequence, more chords than frames, or inconsistent anchors
 * @example alignChords(chroma, ['C:maj', 'G:maj', 'A:min', 'F:maj']).segments
 */
export function alignChords(
  chroma: ChromaInput,
  sequence: readonly string[],
  options: AlignOptions = {},
): AlignResult {
  const o: Resolved = { ...defaultAlignOptions, ...options } as Resolved
  const T = chroma.frames
  const fr = chroma.frameRate
  if (!(fr > 0)) throw new AlignError('the chroma has no valid frame rate')
  const duration = o.duration >= 0 ? o.duration : T / fr
  const tokens = mergeRepeats(sequence.map((label) => ({ label: canonical(label) }))).map((t) => t.label)
  const K = tokens.length
  if (K === 0) throw new AlignError('the chord sequence is empty: type the chords you hear, e.g. "C G Am F"')
  if (T === 0) throw new AlignError('the recording has no audio frames to align to')
  if (K > T)
    throw new AlignError(
      `the sequence has ${K} chords but the recording (${duration.toFixed(1)} s, ${T} frames) can hold at most ${T}: check the sequence or the file`,
    )
  const anchors = checkAnchors(o.anchors, K, duration)
  const regs = regions(K, T, fr, anchors, o)

  // distinct labels (+ N) → templates
  const labels = [...new Set([...tokens, 'N'])]
  const templates = labels.map((l) => chordTemplate(l))
  const labelIdx = new Map(labels.map((l, i) => [l, i]))
  const tokenIdx = Int32Array.from(tokens, (l) => labelIdx.get(l)!)
  const nIdx = labelIdx.get('N')!
  const feats = frameFeatures(chroma, o.emission)

  // previous result: reuse the regions bounded by the same anchors (same region key)
  const prev = o.previous && sameTokens(o.previous.tokens, tokens) ? o.previous : null
  const prevKeys = new Set(prev ? regions(K, T, fr, prev.anchors, o).map(regionKey) : [])
  const reusable = (r: Region) => prevKeys.has(regionKey(r))

  // transposition guard: every region under each shift, keep the best total. The shifts are compared
  // at a coarse time resolution (≈ 5 frames/s: the choice is gross, a wrong semitone scores far lower),
  // then only the chosen one is solved at full resolution.
  const shifts = prev ? [prev.transposition] : o.transpositionGuard ? [0, -1, 1] : [0]
  const transpositionScores: Record<string, number> = {}
  let best = { shift: shifts[0]!, score: Number.NEGATIVE_INFINITY, cum: [] as Float64Array[] }
  if (shifts.length > 1) {
    // template evidence is linear in the normalised features, so block sums of the features give
    // the block sums of the evidence exactly (X, a max over triads, only approximately)
    const q = coarseFactor(fr, regs)
    const fq = !o.model && q > 1 ? blockFeatures(feats, q) : null
    for (const shift of shifts) {
      let cq: Float64Array[]
      if (fq) cq = evidence(chroma, templates, o, shift, fq)
      else {
        const cum = evidence(chroma, templates, o, shift, feats)
        cq = q > 1 ? cum.map((c) => coarsen(c, q)) : cum
      }
      let total = 0
      for (const r of regs)
        total += solveRegion(coarseRegion(r, q), tokenIdx, cq, nIdx, o, fr / q, false).score
      transpositionScores[String(shift)] = total
      if (total > best.score + 1e-9) best = { shift, score: total, cum: [] }
    }
  }
  best.cum = evidence(chroma, templates, o, best.shift, feats)

  const segments: AlignedSegment[] = []
  const boundaries: AlignedBoundary[] = []
  let recomputed = 0
  let fineScore = 0
  for (const r of regs) {
    if (reusable(r) && prev) {
      copyRegion(prev, r, segments, boundaries)
      continue
    }
    recomputed++
    const sol = solveRegion(r, tokenIdx, best.cum, nIdx, o, fr, true)
    fineScore += sol.score
    if (o.onsetSnap && chroma.onset && chroma.onset.length >= T)
      snapToOnsets(sol.bounds, chroma.onset, Math.round(o.onsetReach * fr), o.onsetRatio)
    emitRegion(r, sol, tokens, o, fr, T, duration, segments, boundaries)
  }
  const merged = tidy(segments, boundaries, K)
  const result: AlignResult = {
    segments: merged.segments,
    boundaries: merged.boundaries,
    warnings: [],
    tokens,
    transposition: best.shift,
    score: fineScore,
    transpositionScores,
    emission: o.model ? 'model' : 'template',
    anchors,
    duration,
    recomputedRegions: recomputed,
    fit: alignmentFit(chroma, merged.segments, feats, best.shift, templates, labelIdx),
  }
  result.warnings = alignmentWarnings(result, o, feats, best.shift, templates, labelIdx, fr, T, duration)
  return result
}

/**
 * Move the interior boundaries b_1 … b_{K−1} of a solved region (chord-to-chord changes; the ends
 * border N or a locked anchor) onto the strongest onset within ±reach frames, when it is `ratio` times
 * the onset at the decoded boundary. Frame b starts the chord, so the onset of frame b (flux from
 * frame b − 1 to b) is the evidence for a change at b. Boundaries stay strictly increasing.
 * @param bounds global frames b_0 … b_K (modified)
 */
export function snapToOnsets(
  bounds: Int32Array,
  onset: ArrayLike<number>,
  reach: number,
  ratio: number,
): void {
  if (reach < 1) return
  const K = bounds.length - 1
  for (let j = 1; j < K; j++) {
    const b = bounds[j]!
    let best = b
    for (let f = Math.max(bounds[j - 1]! + 1, b - reach); f <= Math.min(bounds[j + 1]! - 1, b + reach); f++)
      if (onset[f]! > onset[best]!) best = f
    if (best !== b && onset[best]! > ratio * onset[b]!) bounds[j] = best
  }
}

/** Canonical Harte (`C` → `C:maj`); lead-sheet symbols should be parsed with `parseSequence` first. */
function canonical(label: string): string {
  return formatHarte(parseHarte(label))
}

/** Identity of a region: its chords and its two ends (anchor times, or the recording's ends). */
function regionKey(r: Region): string {
  return `${r.tok0}@${r.t0 ?? 'start'}|${r.tok1}@${r.t1 ?? 'end'}`
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** Segments and boundaries of one solved region. */
function emitRegion(
  r: Region,
  sol: RegionSolution,
  tokens: string[],
  o: Resolved,
  fr: number,
  T: number,
  duration: number,
  segments: AlignedSegment[],
  boundaries: AlignedBoundary[],
): void {
  const K = r.tok1 - r.tok0
  const tol = Math.max(0, Math.round(o.boundaryTolerance * fr))
  const timeOf = (j: number) => {
    const b = sol.bounds[j]!
    if (j === 0 && r.t0 !== null && b === r.f0) return r.t0
    if (j === K && r.t1 !== null && b === r.f1) return r.t1
    return boundToTime(b, fr, T, duration)
  }
  const regionStart = r.t0 ?? boundToTime(r.f0, fr, T, duration)
  const regionEnd = r.t1 ?? boundToTime(r.f1, fr, T, duration)
  if (K === 0) {
    segments.push({ start: regionStart, end: regionEnd, label: 'N', confidence: 1, token: -1 })
    return
  }
  const meanOver = (f0: number, f1: number, p: (f: number) => number) => {
    if (f1 <= f0) return 1
    let acc = 0
    for (let f = f0; f < f1; f++) acc += p(f)
    return acc / (f1 - f0)
  }
  // leading N
  if (sol.bounds[0]! > r.f0)
    segments.push({
      start: regionStart,
      end: timeOf(0),
      label: 'N',
      confidence: meanOver(r.f0, sol.bounds[0]!, (f) => 1 - cdfAt(sol, 0, f)),
      token: -1,
    })
  for (let k = 0; k < K; k++) {
    const a = sol.bounds[k]!
    const b = sol.bounds[k + 1]!
    segments.push({
      start: timeOf(k),
      end: timeOf(k + 1),
      label: tokens[r.tok0 + k]!,
      confidence: meanOver(a, b, (f) => cdfAt(sol, k, f) - cdfAt(sol, k + 1, f)),
      token: r.tok0 + k,
    })
  }
  if (sol.bounds[K]! < r.f1)
    segments.push({
      start: timeOf(K),
      end: regionEnd,
      label: 'N',
      confidence: meanOver(sol.bounds[K]!, r.f1, (f) => cdfAt(sol, K, f)),
      token: -1,
    })
  for (let j = 0; j <= K; j++) {
    const locked = (j === 0 && r.t0 !== null) || (j === K && r.t1 !== null)
    const b = sol.bounds[j]!
    const conf = locked ? 1 : Math.max(0, Math.min(1, cdfAt(sol, j, b + tol) - cdfAt(sol, j, b - tol - 1)))
    boundaries.push({ time: timeOf(j), token: r.tok0 + j, confidence: conf, locked })
  }
}

/** Copy a region's segments and boundaries from a previous result. */
function copyRegion(
  prev: AlignResult,
  r: Region,
  segments: AlignedSegment[],
  boundaries: AlignedBoundary[],
): void {
  const t0 = r.t0 ?? 0
  const t1 = r.t1 ?? prev.duration
  for (const s of prev.segments) {
    const inside =
      s.token >= 0 ? s.token >= r.tok0 && s.token < r.tok1 : s.start >= t0 - 1e-9 && s.end <= t1 + 1e-9
    if (inside) segments.push({ ...s })
  }
  for (const b of prev.boundaries) if (b.token >= r.tok0 && b.token <= r.tok1) boundaries.push({ ...b })
}

/** Sort, drop empty segments, merge N next to N, and keep one boundary per token. */
function tidy(
  segments: AlignedSegment[],
  boundaries: AlignedBoundary[],
  K: number,
): { segments: AlignedSegment[]; boundaries: AlignedBoundary[] } {
  const segs = segments.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start)
  const out: AlignedSegment[] = []
  for (const s of segs) {
    const last = out[out.length - 1]
    if (last && last.label === 'N' && s.label === 'N' && last.token === -1 && s.token === -1) {
      const w = last.end - last.start + (s.end - s.start)
      last.confidence = (last.confidence * (last.end - last.start) + s.confidence * (s.end - s.start)) / w
      last.end = s.end
    } else out.push(s)
  }
  const byToken = new Map<number, AlignedBoundary>()
  for (const b of boundaries) {
    const have = byToken.get(b.token)
    if (!have || (b.locked && !have.locked)) byToken.set(b.token, b)
  }
  const bs = Array.from({ length: K + 1 }, (_, j) => byToken.get(j)!).filter(Boolean)
  return { segments: out, boundaries: bs }
}
