/**
 * Frame-wise evidence for chords from chroma: binary templates of the full chord quality (every
 * pitch class the label spells, extensions folded into the octave) matched by cosine similarity,
 * plus a bass term (the bass chroma's share at the label's bass note), and a no-chord (N) score from
 * how silent the frame looks: quiet relative to the recording's own loud level (the per-frame
 * `levelDb` the features carry, or the chroma's own level when it keeps one) or flat (ℓ2-normalised
 * pipelines such as `align` turn a digitally silent frame into the uniform vector, and broadband
 * noise folds to a nearly flat chroma).
 *
 * Scores are similarities in [0, 1 + bassWeight]; the aligner turns them into log-likelihoods by a
 * scale per second (see `AlignOptions.evidencePerSecond`).
 */
import { type Chord, majminClass, N_CLASS, parseHarte } from '../chords'
import type { ChromaInput } from './types'

/** How a token is scored. */
export type TokenKind = 'chord' | 'N' | 'X'

/** A chord reduced to what its template needs. */
export interface ChordTemplate {
  kind: TokenKind
  /** Absolute pitch classes sounded [0..11]. */
  pcs: number[]
  /** Absolute bass pitch class [0..11]; -1 for N/X. */
  bass: number
  /** 24-class index for model emissions (maj/min reduction, or the nearest triad); N_CLASS for N. */
  cls: number
}

/** The template of a Harte label (`A:min7` → A C E G, bass A). */
export function chordTemplate(label: string | Chord): ChordTemplate {
  const c = typeof label === 'string' ? parseHarte(label) : label
  if (c.kind === 'N') return { kind: 'N', pcs: [], bass: -1, cls: N_CLASS }
  if (c.kind === 'X') return { kind: 'X', pcs: [], bass: -1, cls: -1 }
  let cls = majminClass(c)
  if (cls < 0) cls = c.bitmap[3] === 1 && c.bitmap[4] !== 1 ? 12 + c.root : c.root // sus/aug/dim → nearest triad
  return { kind: 'chord', pcs: c.pcs, bass: c.bassAbs, cls }
}

export interface EmissionOptions {
  /** Weight of the bass-chroma match relative to the treble cosine. Default 0.5. */
  bassWeight?: number
  /**
   * Level ratio (frame ℓ2 norm ÷ the recording's 90th-percentile norm) at and below which a frame
   * counts as fully silent for the N score; louder frames fade linearly to "not silent" at 3× this.
   * Only informative for chroma that keeps its level (`fmp`); ℓ2-normalised chroma has ratio 1.
   * Default 0.02 (−34 dB).
   */
  silenceRatio?: number
  /**
   * Flatness (cosine between the frame's treble chroma and the uniform vector) from which a frame
   * starts to count as silent; it counts as fully silent at flatness ≥ 1 − (1 − this)/5. Normalised
   * pipelines turn silent frames into the uniform vector (flatness 1); harmonic frames of the dev
   * corpus stay below 0.95. Default 0.9.
   */
  flatnessFloor?: number
  /** N's score in a frame that is not silent, as a fraction of the maximal score 1 + bassWeight. Default 0.5. */
  noChordLevel?: number
  /**
   * Read silence from the per-frame level (`ChromaInput.levelDb`) when the chroma carries one, relative
   * to the recording's own level distribution (no absolute threshold: a recording's level and noise
   * floor are unknown). A frame is silent by level when it lies near the recording's noise floor and
   * far below its loud level. Default true; false reproduces the flatness-only detection.
   */
  useLevel?: boolean
  /** Quantile of the frame levels taken as the recording's loud (music) level [0, 1]. Default 0.9. */
  loudQuantile?: number
  /**
   * The noise floor is the level that all frames but this much of the recording exceed [s]: the
   * level of its quietest second (lead-in, gaps, the tail), digital silence included, so a recording
   * with a second of digital silence has its floor there and its decays and fades are not mistaken
   * for room tone. Default 1.
   */
  floorSeconds?: number
  /**
   * A frame within this of the noise floor is silent by level, one twice as far above it is not
   * (linear in between) [dB]. Default 3: 3 dB above the floor the music carries as much power as the
   * noise (0 dB SNR); a decay or fade still 8 dB above the room tone is audible and keeps its chord.
   */
  floorMarginDb?: number
  /**
   * A frame within this of the loud level is never silent by level; from 10 dB further down it can be
   * fully silent (linear in between) [dB]. Default 30: so the level speaks only where the noise floor
   * lies 30–40 dB or more below the music (room tone, hiss, the end of a fade); in noisier recordings
   * quiet passages reach the floor and only the chroma's flatness is trusted.
   */
  soundingWithinDb?: number
}

export const defaultEmissionOptions: Required<EmissionOptions> = {
  bassWeight: 0.5,
  silenceRatio: 0.02,
  flatnessFloor: 0.9,
  noChordLevel: 0.5,
  useLevel: true,
  loudQuantile: 0.9,
  floorSeconds: 1,
  floorMarginDb: 3,
  soundingWithinDb: 30,
}

/** Normalised features of a recording, computed once and shared by every template and shift. */
export interface FrameFeatures {
  frames: number
  /** Treble chroma, unit ℓ2 per frame (zero frames stay zero), frames×12. */
  treble: Float64Array
  /** Bass chroma, unit ℓ2 per frame, frames×12; null without bass. */
  bass: Float64Array | null
  /** Silence degree per frame [0, 1]: 1 = silent (the larger of the level and flatness degrees). */
  silence: Float64Array
  /**
   * Frame level relative to the recording's loud level [dB] (0 = loud, negative = quieter); null when
   * the chroma carries no level.
   */
  relativeDb: Float64Array | null
  bassWeight: number
  noChordLevel: number
  /** Fine frames summed into each frame (block features of the transposition guard); null = 1 each. */
  count: Float64Array | null
}

function normaliseRows(src: Float32Array, frames: number, energy: Float64Array | null): Float64Array {
  const out = new Float64Array(frames * 12)
  for (let t = 0; t < frames; t++) {
    let n2 = 0
    for (let p = 0; p < 12; p++) {
      const v = Math.max(0, src[t * 12 + p]!)
      n2 += v * v
    }
    if (energy) energy[t] = Math.sqrt(n2)
    if (n2 <= 1e-20) continue
    const inv = 1 / Math.sqrt(n2)
    for (let p = 0; p < 12; p++) out[t * 12 + p] = Math.max(0, src[t * 12 + p]!) * inv
  }
  return out
}

/** Value at quantile q of the values (copy + sort). */
function quantile(values: Float64Array, q: number): number {
  const v = Float64Array.from(values).sort()
  return v[Math.min(v.length - 1, Math.max(0, Math.floor(q * (v.length - 1))))]!
}

/** Normalise the chroma once for all templates. */
export function frameFeatures(chroma: ChromaInput, options: EmissionOptions = {}): FrameFeatures {
  const o = { ...defaultEmissionOptions, ...options }
  const T = chroma.frames
  if (chroma.data.length < T * 12)
    throw new Error(`chroma data holds ${chroma.data.length / 12} frames, not ${T}`)
  const energy = new Float64Array(T)
  const treble = normaliseRows(chroma.data, T, energy)
  const bass = chroma.bass ? normaliseRows(chroma.bass, T, null) : null
  const ref = T > 0 ? quantile(energy, 0.9) : 0
  const silence = new Float64Array(T)
  const flatTop = 1 - (1 - o.flatnessFloor) / 5
  const invSqrt12 = 1 / Math.sqrt(12)
  const lv = o.useLevel && chroma.levelDb && chroma.levelDb.length >= T && T > 0 ? chroma.levelDb : null
  let relativeDb: Float64Array | null = null
  let floorDb = 0
  if (lv) {
    if (!(o.floorMarginDb > 0 && o.soundingWithinDb >= 0))
      throw new RangeError(`floorMarginDb must be > 0 and soundingWithinDb ≥ 0 [dB]`)
    const levels = Float64Array.from(lv.subarray(0, T))
    const loud = quantile(levels, o.loudQuantile)
    floorDb = quantile(levels, Math.min(0.5, (o.floorSeconds * chroma.frameRate) / T)) - loud
    relativeDb = levels.map((l) => l - loud)
  }
  for (let t = 0; t < T; t++) {
    let quiet: number
    if (relativeDb) {
      const r = relativeDb[t]!
      const nearFloor = (floorDb + 2 * o.floorMarginDb - r) / o.floorMarginDb
      const farBelowLoud = (-r - o.soundingWithinDb) / 10
      quiet = Math.min(nearFloor, farBelowLoud)
    } else {
      const r = ref > 0 ? energy[t]! / ref : 0
      quiet = (3 * o.silenceRatio - r) / (2 * o.silenceRatio)
    }
    let sum = 0
    for (let p = 0; p < 12; p++) sum += treble[t * 12 + p]!
    const flat = energy[t]! > 0 ? (sum * invSqrt12 - o.flatnessFloor) / (flatTop - o.flatnessFloor) : 1
    silence[t] = Math.min(1, Math.max(0, quiet, flat))
  }
  return {
    frames: T,
    treble,
    bass,
    silence,
    relativeDb,
    bassWeight: bass ? o.bassWeight : 0,
    noChordLevel: o.noChordLevel,
    count: null,
  }
}

/**
 * Features summed over blocks of q frames: template scores of the result are the block sums of
 * the frame scores (every score is linear in the normalised features and the silence degree).
 */
export function blockFeatures(f: FrameFeatures, q: number): FrameFeatures {
  const n = Math.ceil(f.frames / q)
  const treble = new Float64Array(n * 12)
  const bass = f.bass ? new Float64Array(n * 12) : null
  const silence = new Float64Array(n)
  const count = new Float64Array(n)
  for (let t = 0; t < f.frames; t++) {
    const b = Math.floor(t / q)
    for (let p = 0; p < 12; p++) {
      treble[b * 12 + p] += f.treble[t * 12 + p]!
      if (bass) bass[b * 12 + p] += f.bass![t * 12 + p]!
    }
    silence[b] += f.silence[t]!
    count[b]++
  }
  return { ...f, frames: n, treble, bass, silence, relativeDb: null, count }
}

/** The 24 maj/min triad templates (for `X` tokens and recognition). */
export const TRIADS: ChordTemplate[] = Array.from({ length: 24 }, (_, k) => {
  const root = k % 12
  const third = k < 12 ? 4 : 3
  return {
    kind: 'chord' as const,
    pcs: [root, (root + third) % 12, (root + 7) % 12].sort((a, b) => a - b),
    bass: root,
    cls: k,
  }
})

/**
 * Similarity of every frame to one template, with the audio `shift` semitones above the template
 * (the transposition guard scores a typed C against a recording sounding C#).
 * @returns frames values in [0, 1 + bassWeight]
 */
export function templateScores(
  f: FrameFeatures,
  tpl: ChordTemplate,
  shift = 0,
  out?: Float64Array,
): Float64Array {
  const T = f.frames
  const s = out ?? new Float64Array(T)
  if (tpl.kind === 'N') {
    const level = f.noChordLevel * (1 + f.bassWeight)
    const top = 1 + f.bassWeight
    for (let t = 0; t < T; t++) s[t] = level * (f.count ? f.count[t]! : 1) + (top - level) * f.silence[t]!
    return s
  }
  if (tpl.kind === 'X') {
    // an unknown chord: the best triad in each frame
    const tmp = new Float64Array(T)
    s.fill(0)
    for (const tri of TRIADS) {
      templateScores(f, tri, shift, tmp)
      for (let t = 0; t < T; t++) if (tmp[t]! > s[t]!) s[t] = tmp[t]!
    }
    return s
  }
  // template: unit ℓ2 over the shifted pitch classes; a 12-term dot product per frame
  const w = new Float64Array(12)
  const amp = 1 / Math.sqrt(tpl.pcs.length)
  for (const p of tpl.pcs) w[(((p + shift) % 12) + 12) % 12] = amp
  const [w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11] = w as unknown as number[]
  const tr = f.treble
  for (let t = 0, r = 0; t < T; t++, r += 12)
    s[t] =
      w0! * tr[r]! +
      w1! * tr[r + 1]! +
      w2! * tr[r + 2]! +
      w3! * tr[r + 3]! +
      w4! * tr[r + 4]! +
      w5! * tr[r + 5]! +
      w6! * tr[r + 6]! +
      w7! * tr[r + 7]! +
      w8! * tr[r + 8]! +
      w9! * tr[r + 9]! +
      w10! * tr[r + 10]! +
      w11! * tr[r + 11]!
  const b = tpl.bass >= 0 ? (((tpl.bass + shift) % 12) + 12) % 12 : -1
  if (f.bass && b >= 0 && f.bassWeight > 0) {
    const bw = f.bassWeight
    const bs = f.bass
    for (let t = 0; t < T; t++) s[t] += bw * bs[t * 12 + b]!
  }
  return s
}
