/**
 * Recordings and the training items cut from them (seed §3.1: segments of 150 frames, split by
 * recording).
 */
import { coarseSequence, isChordClass } from './targets'

/** Chroma features of one recording with its annotations, as the trainer consumes them. */
export interface Recording {
  id: string
  /** Raw (uncompressed, unnormalised) chroma, T×12 row-major. */
  x: Float32Array
  /** Number of frames T. */
  frames: number
  /** [frames/s] */
  frameRate: number
  /** Class per frame (from a `.lab`), or null when only a typed sequence is known. */
  strong: Int8Array | null
  /** The typed sequence of the whole recording as classes (N / X dropped), or null to derive it from `strong`. */
  sequence: number[] | null
  /** Where the recording belongs. */
  split?: 'train' | 'val' | 'test'
  /** Free-form provenance (e.g. `synth`, `pop909`), used to break results down. */
  group?: string
}

/** One training / validation item. */
export interface TrainItem {
  /** `<recording>@<start frame>` or the recording id for whole recordings. */
  id: string
  recording: string
  /** First frame in the recording. */
  start: number
  /** Number of frames T of this item. */
  frames: number
  /** Raw chroma T×12 (a view into the recording's array). */
  x: Float32Array
  /** Class per frame, or null. */
  strong: Int8Array | null
  /** Coarse sequence (deduplicated, N/X dropped). */
  coarse: number[]
}

/** How recordings are cut into items. */
export interface SegmentOptions {
  /** Segment length [frames], or `'whole'` for one item per recording. Default 150 (seed). */
  length: number | 'whole'
  /** Hop between segment starts [frames]; default = length (non-overlapping, as the seed). */
  hop: number | null
  /**
   * Cut only between the first and the last chord frame (leading / trailing N dropped), as the author's
   * code did. Default true. Needs strong targets; ignored without them.
   */
  trimN: boolean
  /** Items with fewer chord frames than this are dropped (they have no target). Default 1. */
  minChordFrames: number
}

export const defaultSegmentOptions: SegmentOptions = {
  length: 150,
  hop: null,
  trimN: true,
  minChordFrames: 1,
}

function chordFrames(strong: Int8Array): number {
  let n = 0
  for (let i = 0; i < strong.length; i++) if (isChordClass(strong[i]!)) n++
  return n
}

/**
 * Cut a recording into items. Only full segments are kept (the remainder after the last full segment
 * is dropped, as the seed); `length: 'whole'` gives the recording as one item, whose coarse sequence
 * is the typed sequence when known (training from a `.chords.txt` without any `.lab`).
 * @param rec the recording
 * @param options segment options, merged over `defaultSegmentOptions`
 */
export function cutSegments(rec: Recording, options: Partial<SegmentOptions> = {}): TrainItem[] {
  const o: SegmentOptions = { ...defaultSegmentOptions, ...options }
  if (o.length === 'whole') {
    const coarse = rec.sequence ?? (rec.strong ? coarseSequence(rec.strong) : [])
    if (coarse.length === 0) return []
    return [
      { id: rec.id, recording: rec.id, start: 0, frames: rec.frames, x: rec.x, strong: rec.strong, coarse },
    ]
  }
  if (!rec.strong) return []
  const L = o.length
  if (!(Number.isInteger(L) && L > 0))
    throw new RangeError(`segment length must be a positive integer, got ${L}`)
  const hop = o.hop ?? L
  let first = 0
  let last = rec.frames
  if (o.trimN) {
    while (first < rec.frames && !isChordClass(rec.strong[first]!)) first++
    while (last > first && !isChordClass(rec.strong[last - 1]!)) last--
  }
  const out: TrainItem[] = []
  for (let s = first; s + L <= last; s += hop) {
    const strong = rec.strong.subarray(s, s + L)
    if (chordFrames(strong) < o.minChordFrames) continue
    out.push({
      id: `${rec.id}@${s}`,
      recording: rec.id,
      start: s,
      frames: L,
      x: rec.x.subarray(s * 12, (s + L) * 12),
      strong,
      coarse: coarseSequence(strong),
    })
  }
  return out
}
