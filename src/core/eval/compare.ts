/**
 * mir_eval chord comparison rules: each maps (reference label, estimated label) pairs to a score in
 * {0, 1}, or -1 when the reference lies outside the rule's vocabulary (ignored by
 * {@link weightedAccuracy}). Every rule is a line-by-line port of mir_eval 0.7 `chord.<rule>`,
 * including its quirks (e.g. `root` scores an estimated `X` as correct against a reference `N`, since
 * both have root -1; `mirex` treats an estimated `X` as all twelve pitch classes).
 *
 * @see mir_eval 0.7 chord.py (thirds … sevenths_inv, weighted_accuracy)
 */
import { parseHarte } from '../chords'
import { type EncodedChord, encodeMany } from './encode'

/** The comparison rules of mir_eval.chord, in the order `mir_eval.chord.evaluate` reports them. */
export const CHORD_METRICS = [
  'thirds',
  'thirds_inv',
  'triads',
  'triads_inv',
  'tetrads',
  'tetrads_inv',
  'root',
  'mirex',
  'majmin',
  'majmin_inv',
  'sevenths',
  'sevenths_inv',
] as const

export type ChordMetric = (typeof CHORD_METRICS)[number]

const MAJ8 = parseHarte('C:maj').bitmap.slice(0, 8)
const MIN8 = parseHarte('C:min').bitmap.slice(0, 8)
/** mir_eval `sevenths` vocabulary: maj, min, maj7, 7, min7 and '' (N). */
const SEVENTH_BITMAPS = [
  ...['maj', 'min', 'maj7', '7', 'min7'].map((q) => parseHarte(`C:${q}`).bitmap),
  new Array<number>(12).fill(0),
]

function equalPrefix(a: readonly number[], b: readonly number[], n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
  return true
}

function hasNegative(bitmap: readonly number[]): boolean {
  for (let i = 0; i < 12; i++) if (bitmap[i]! < 0) return true
  return false
}

/** mir_eval `rotate_bitmap_to_root`: the absolute pitch classes of a relative bitmap (nonzero entries). */
function absoluteChroma(e: EncodedChord): number[] {
  const out = new Array<number>(12).fill(0)
  for (let i = 0; i < 12; i++) if (e.bitmap[i] !== 0) out[(((i + e.root) % 12) + 12) % 12] = 1
  return out
}

function isMajMinN(r: EncodedChord): boolean {
  const maj = equalPrefix(r.bitmap, MAJ8, 8)
  const min = equalPrefix(r.bitmap, MIN8, 8)
  const none = r.root < 0 && r.bitmap.every((b) => b === 0)
  return maj || min || none
}

/** mir_eval's `valid_inversion`: the reference bass must be a chord tone (always true for encoded labels). */
function validInversion(r: EncodedChord): boolean {
  return r.bass < 0 || r.bitmap[r.bass] !== 0
}

/** Score one pair under a rule: 1, 0, or -1 (reference out of the rule's vocabulary). */
export function compareEncoded(metric: ChordMetric, r: EncodedChord, e: EncodedChord): number {
  const eqRoot = r.root === e.root
  const eqBass = r.bass === e.bass
  switch (metric) {
    case 'root':
      return hasNegative(r.bitmap) ? -1 : eqRoot ? 1 : 0
    case 'thirds':
      return hasNegative(r.bitmap) ? -1 : eqRoot && r.bitmap[3] === e.bitmap[3] ? 1 : 0
    case 'thirds_inv':
      return hasNegative(r.bitmap) ? -1 : eqRoot && r.bitmap[3] === e.bitmap[3] && eqBass ? 1 : 0
    case 'triads':
      return hasNegative(r.bitmap) ? -1 : eqRoot && equalPrefix(r.bitmap, e.bitmap, 8) ? 1 : 0
    case 'triads_inv':
      return hasNegative(r.bitmap) ? -1 : eqRoot && equalPrefix(r.bitmap, e.bitmap, 8) && eqBass ? 1 : 0
    case 'tetrads':
      return hasNegative(r.bitmap) ? -1 : eqRoot && equalPrefix(r.bitmap, e.bitmap, 12) ? 1 : 0
    case 'tetrads_inv':
      return hasNegative(r.bitmap) ? -1 : eqRoot && equalPrefix(r.bitmap, e.bitmap, 12) && eqBass ? 1 : 0
    case 'mirex': {
      let count = 0
      for (let i = 0; i < 12; i++) if (r.bitmap[i]! > 0) count++
      if ((count > 0 && count < 3) || hasNegative(r.bitmap)) return -1
      if (r.root === -1 && e.root === -1) return 1
      const a = absoluteChroma(r)
      const b = absoluteChroma(e)
      let shared = 0
      for (let i = 0; i < 12; i++) shared += a[i]! * b[i]!
      return shared >= 3 ? 1 : 0
    }
    case 'majmin':
      if (!isMajMinN(r)) return -1
      return eqRoot && equalPrefix(r.bitmap, e.bitmap, 8) ? 1 : 0
    case 'majmin_inv':
      if (!isMajMinN(r) || !validInversion(r)) return -1
      return eqRoot && eqBass && equalPrefix(r.bitmap, e.bitmap, 8) ? 1 : 0
    case 'sevenths':
    case 'sevenths_inv': {
      if (!SEVENTH_BITMAPS.some((q) => equalPrefix(r.bitmap, q, 12))) return -1
      if (metric === 'sevenths_inv' && !validInversion(r)) return -1
      const eq = eqRoot && equalPrefix(r.bitmap, e.bitmap, 12)
      return eq && (metric === 'sevenths' || eqBass) ? 1 : 0
    }
  }
}

/**
 * `mir_eval.chord.<metric>(reference_labels, estimated_labels)`.
 * @param metric comparison rule
 * @param ref reference labels, length n
 * @param est estimated labels, length n
 * @returns n scores in {0, 1, -1}
 * @throws Error when the lengths differ; ChordSyntaxError for an invalid label
 * @example compareChords('majmin', ['A:min7'], ['A:min']) // Float64Array [1]
 */
export function compareChords(
  metric: ChordMetric,
  ref: readonly string[],
  est: readonly string[],
): Float64Array {
  if (ref.length !== est.length)
    throw new Error(
      `chord comparison got lists of different lengths: reference ${ref.length}, estimate ${est.length}`,
    )
  const r = encodeMany(ref)
  const e = encodeMany(est)
  const out = new Float64Array(ref.length)
  for (let i = 0; i < ref.length; i++) out[i] = compareEncoded(metric, r[i]!, e[i]!)
  return out
}

/**
 * `mir_eval.chord.weighted_accuracy`: the weight-normalised mean of the comparisons, ignoring -1.
 * @param comparisons scores in {0, 1, -1} (or [0, 1])
 * @param weights non-negative weights, same length (usually durations [seconds])
 * @returns accuracy in [0, 1]; 0 when all weights are 0 or nothing is comparable (as mir_eval)
 */
export function weightedAccuracy(comparisons: ArrayLike<number>, weights: ArrayLike<number>): number {
  const n = comparisons.length
  if (weights.length !== n)
    throw new Error(`weights and comparisons differ in length: ${weights.length} vs ${n}`)
  let sum = 0
  for (let i = 0; i < n; i++) {
    if (weights[i]! < 0) throw new Error('weights must be non-negative')
    sum += weights[i]!
  }
  if (sum === 0) return 0
  let total = 0
  let valid = 0
  for (let i = 0; i < n; i++)
    if (comparisons[i]! >= 0) {
      total += weights[i]!
      valid++
    }
  if (valid === 0) return 0
  let acc = 0
  for (let i = 0; i < n; i++) if (comparisons[i]! >= 0) acc += comparisons[i]! * (weights[i]! / total)
  return acc
}
