/**
 * Shapes shared by alignment and recognition.
 */
import type { Chroma } from '../features'
import type { AlignFit } from './fit'

/**
 * Chroma features as the aligner reads them: the part of `features.Chroma` it uses, so a `Chroma`
 * can be passed as is. `data` (and `bass`, when present) are frames×12 row-major, bin 0 = C, any
 * non-negative scale (normalised here); frame t is centred at t / frameRate [seconds]. `levelDb`
 * (per-frame level [dB], any offset: only differences within the recording are used) lets the
 * aligner tell quiet lead-ins, tails and fades from music; `onset` (per-frame onset strength, any
 * scale) lets it put chord changes where notes start.
 */
export type ChromaInput = Pick<Chroma, 'data' | 'frames' | 'frameRate' | 'bass' | 'levelDb' | 'onset'>

/** A boundary the user locked: chord `token` (0-based, in the merged sequence) starts at `time`. */
export interface Anchor {
  /** Index of the chord that starts here; `tokens.length` locks the end of the last chord. */
  token: number
  /** [seconds] */
  time: number
}

/** A labelled segment with a confidence. Times in [seconds]. */
export interface ChordSegment {
  start: number
  end: number
  /** Harte label (`A:min7`, `C:maj/3`), or `N`. */
  label: string
  /** Posterior probability that this segment's frames carry this label [0, 1]. */
  confidence: number
}

/** One aligned chord (or N) segment; `label` is the user's label as canonical Harte. */
export interface AlignedSegment extends ChordSegment {
  /** Index of the chord in the merged sequence; -1 for the leading/trailing N. */
  token: number
}

/** A chord boundary of the result with its confidence. */
export interface AlignedBoundary {
  /** [seconds] */
  time: number
  /** Index of the chord that starts here (`tokens.length` = end of the last chord). */
  token: number
  /** Posterior probability that the boundary lies within ±`boundaryTolerance` of `time` [0, 1]. */
  confidence: number
  /** True when the user locked it (an anchor). */
  locked: boolean
}

export type AlignWarningKind =
  | 'dense-sequence'
  | 'long-last-chord'
  | 'long-first-chord'
  | 'long-chord'
  | 'short-chord'
  | 'weak-evidence'
  | 'changing-harmony'
  | 'music-before-first-chord'
  | 'music-after-last-chord'
  | 'transposed'
  | 'poor-fit'

/** Something the user should look at; the alignment is still returned. */
export interface AlignWarning {
  kind: AlignWarningKind
  /** One sentence for the user. */
  message: string
  /** The chord concerned (merged-sequence index), when there is one. */
  token?: number
}

export interface AlignResult {
  /** Contiguous segments covering [0, duration]. */
  segments: AlignedSegment[]
  /** Start of every chord and the end of the last one (tokens.length + 1 entries). */
  boundaries: AlignedBoundary[]
  warnings: AlignWarning[]
  /** The merged chord sequence that was aligned (canonical Harte). */
  tokens: string[]
  /**
   * Semitones the recording sounds above the typed chords, as chosen by the transposition guard
   * (-1, 0 or +1; 0 when the guard is off).
   */
  transposition: number
  /** Total log score of the chosen alignment [nats]. */
  score: number
  /** Score of each tried transposition [nats], keyed by semitone shift. */
  transpositionScores: Record<string, number>
  /** Which emission was used. */
  emission: 'template' | 'model'
  /** The anchors in force (sorted), to pass back for incremental re-alignment. */
  anchors: Anchor[]
  /** Recording length [seconds]. */
  duration: number
  /** Regions (between anchors) that were computed rather than reused from `previous`. */
  recomputedRegions: number
  /**
   * The alignment's template evidence against free recognition's on the sounding frames (whatever
   * the emission): a large `shortfall` means the sequence does not fit the audio (`poor-fit`).
   */
  fit: AlignFit
}
