/**
 * Training targets for the 24-class chord models (seed §3.1, Fig. 3.1 and 4.2).
 *
 * Classes follow `src/core/chords`: 0..11 = C:maj … B:maj, 12..23 = C:min … B:min, 24 = N (no chord),
 * -1 = X (a label outside maj/min, e.g. `C:sus4`, excluded as in mir_eval `majmin`).
 *
 * - strong: one class per frame, from a `.lab` (frame t ↔ time t / frameRate [s]).
 * - coarse: the strong sequence with adjacent repetitions removed and N / X dropped, i.e. exactly what
 *   a user types in a `.chords.txt` (`labToSequence`). Then padded to a "soft length" by uniform or
 *   last-element repetition, or stretched to the input length ("sequence unfolding").
 *
 * N handling: the models have 24 outputs and no N class (as the seed, whose data had no N). Frames whose
 * reference is N or X carry no strong target (they are masked out of BCE/CCE) and N / X never appear
 * in a coarse sequence; the frames they cover are aligned to neighbouring chords by soft-DTW / CTC.
 */
import { EXCLUDED, majminClass, N_CLASS, parseHarte, type Segment } from '../chords'

/** Number of chord classes the models predict (12 major + 12 minor). */
export const NUM_CHORDS = 24

/** How a deduplicated sequence is brought to a fixed length. */
export type PadMode = 'uniform' | 'last' | 'unfold' | 'none'

const classCache = new Map<string, number>()

/** Class [0..24, or -1] of a Harte label, cached. */
export function labelClass(label: string): number {
  let c = classCache.get(label)
  if (c === undefined) {
    c = majminClass(parseHarte(label))
    classCache.set(label, c)
  }
  return c
}

/**
 * Strong (frame-wise) targets from timed segments.
 * @param segments `.lab` segments, times in [s], sorted
 * @param frames number of frames T
 * @param frameRate [frames/s]; frame t is taken at time t / frameRate
 * @returns class per frame, length T (frames outside every segment are N)
 * @example strongTargets([{start:0,end:1,label:'C:maj'},{start:1,end:2,label:'A:min'}], 4, 2) // [0,0,21,21]
 */
export function strongTargets(segments: readonly Segment[], frames: number, frameRate: number): Int8Array {
  const out = new Int8Array(frames).fill(N_CLASS)
  let s = 0
  for (let t = 0; t < frames; t++) {
    const time = t / frameRate
    while (s < segments.length && segments[s]!.end <= time) s++
    if (s >= segments.length) break
    const seg = segments[s]!
    if (seg.start <= time) out[t] = labelClass(seg.label)
  }
  return out
}

/** Remove adjacent repetitions (seed §3.1): [0,0,5,5,5,0] → [0,5,0]. */
export function dedup(classes: ArrayLike<number>): number[] {
  const out: number[] = []
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i]!
    if (out.length === 0 || out[out.length - 1] !== c) out.push(c)
  }
  return out
}

/** True for a class that is one of the 24 chords (not N, not X). */
export function isChordClass(c: number): boolean {
  return c >= 0 && c < NUM_CHORDS
}

/**
 * The coarse sequence of a strong sequence: adjacent repetitions removed, then N and X dropped (the
 * `.chords.txt` convention, so `A N A` gives `A A`).
 */
export function coarseSequence(classes: ArrayLike<number>): number[] {
  return dedup(classes).filter(isChordClass)
}

/**
 * Classes of typed labels (a `.chords.txt`), N and X dropped.
 * @param labels Harte labels, e.g. from `parseChordsTxt`
 */
export function sequenceClasses(labels: readonly string[]): number[] {
  return labels.map(labelClass).filter(isChordClass)
}

/**
 * Pad a deduplicated sequence to `length` elements (seed Fig. 4.2).
 * - `uniform`: every element repeated ⌊L/K⌋ or ⌈L/K⌉ times, element k getting
 *   ⌊(k+1)L/K⌋ − ⌊kL/K⌋ copies (the remainder spread evenly; the author's code gave it to the first
 *   elements instead).
 * - `last`: the sequence followed by copies of its last element.
 * - `none`: unchanged.
 * A sequence already longer than `length` is returned unchanged (the seed's code raised an error; the
 * soft-DTW op takes per-item lengths, so nothing is cut).
 * @param seq deduplicated classes, K ≥ 1
 * @param length target length L ≥ 1
 * @example padSequence([1,2,3], 8, 'uniform') // [1,1,2,2,2,3,3,3]
 * @example padSequence([1,2,3], 5, 'last') // [1,2,3,3,3]
 */
export function padSequence(
  seq: readonly number[],
  length: number,
  mode: 'uniform' | 'last' | 'none',
): number[] {
  const K = seq.length
  if (mode === 'none' || K === 0 || length <= K) return seq.slice()
  if (mode === 'last') {
    const out = seq.slice()
    while (out.length < length) out.push(seq[K - 1]!)
    return out
  }
  const out: number[] = []
  for (let k = 0; k < K; k++) {
    const copies = Math.floor(((k + 1) * length) / K) - Math.floor((k * length) / K)
    for (let c = 0; c < copies; c++) out.push(seq[k]!)
  }
  return out
}

/**
 * Sequence unfolding: stretch a deduplicated sequence to the input length (uniform repetition to T).
 * @param seq deduplicated classes
 * @param frames input length T [frames]
 */
export function unfoldSequence(seq: readonly number[], frames: number): number[] {
  return padSequence(seq, frames, 'uniform')
}

/**
 * The soft-DTW target of a coarse sequence for a given padding mode.
 * @param seq deduplicated classes
 * @param mode padding mode
 * @param softLength L for `uniform` / `last`
 * @param frames input length, used by `unfold`
 */
export function softTarget(
  seq: readonly number[],
  mode: PadMode,
  softLength: number,
  frames: number,
): number[] {
  if (mode === 'unfold') return unfoldSequence(seq, frames)
  return padSequence(seq, softLength, mode)
}

/** Counts of classes in target sequences (seed Tables 4.2 / 4.3). */
export interface ClassDistribution {
  major: number
  minor: number
  noChord: number
  excluded: number
  total: number
}

/** Count major / minor / N / X entries over sequences of classes. */
export function classDistribution(seqs: Iterable<ArrayLike<number>>): ClassDistribution {
  const d: ClassDistribution = { major: 0, minor: 0, noChord: 0, excluded: 0, total: 0 }
  for (const s of seqs) {
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!
      if (c === N_CLASS) d.noChord++
      else if (c === EXCLUDED) d.excluded++
      else if (c < 12) d.major++
      else d.minor++
      d.total++
    }
  }
  return d
}

/**
 * One-hot rows of a class sequence: L×24 row-major; N / X rows are all zero.
 */
export function oneHot(seq: ArrayLike<number>): Float32Array {
  const out = new Float32Array(seq.length * NUM_CHORDS)
  for (let i = 0; i < seq.length; i++) {
    const c = seq[i]!
    if (isChordClass(c)) out[i * NUM_CHORDS + c] = 1
  }
  return out
}
