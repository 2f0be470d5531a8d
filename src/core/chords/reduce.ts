/**
 * Reductions of chords to the vocabularies used for scoring and for the dChord model.
 *
 * | label (examples)                         | majmin       | root  |
 * |------------------------------------------|--------------|-------|
 * | `C:maj`, `C:7`, `C:maj7`, `C:maj6`, `C:9`, `C:maj/3`, `C:maj/b7` | `C:maj` | `C` |
 * | `A:min`, `A:min7`, `A:min6`, `A:minmaj7`, `A:min/b3` | `A:min` | `A` |
 * | `N`                                        | `N`          | `N`   |
 * | `C:dim`, `C:aug`, `C:sus4`, `C:sus2`, `C:hdim7`, `C:dim7`, `C:5`, `C:1`, `C:(1,3)`, `C:maj/2`, `X` | excluded (`X`) | `C` (X: `X`) |
 *
 * The majmin rule is mir_eval's `majmin` comparison: a reference label counts as major (minor) when the
 * first 8 entries of its encoded bitmap (root … fifth, bass included) equal those of `maj` (`min`), as
 * no-chord when the bitmap is empty, and is excluded from scoring otherwise. Hence `C:maj6` is major
 * (the sixth lies above the fifth) while `C:maj/2` is excluded (its bass puts a 2 below the fifth).
 *
 * Class indices for the 24-class models follow libfmp: 0..11 = C:maj … B:maj, 12..23 = C:min … B:min,
 * 24 = N; -1 marks an excluded label.
 */
import type { Chord } from './harte'
import { parseHarte } from './harte'

/** Index of the no-chord class. */
export const N_CLASS = 24
/** Marker for labels outside the maj/min/N vocabulary. */
export const EXCLUDED = -1

/** Pitch class names used when a label is generated from a class index (sharps, as libfmp). */
export const PITCH_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const

const MAJ8 = [1, 0, 0, 0, 1, 0, 0, 1]
const MIN8 = [1, 0, 0, 1, 0, 0, 0, 1]

function prefixEquals(bitmap: readonly number[], ref: readonly number[]): boolean {
  for (let i = 0; i < ref.length; i++) if (bitmap[i] !== ref[i]) return false
  return true
}

/** Class index [0..24] of a chord in the 24 maj/min + N vocabulary, or -1 when mir_eval excludes it. */
export function majminClass(chord: Chord): number {
  if (chord.kind === 'N') return N_CLASS
  if (chord.kind === 'X') return EXCLUDED
  if (prefixEquals(chord.bitmap, MAJ8)) return chord.root
  if (prefixEquals(chord.bitmap, MIN8)) return 12 + chord.root
  return EXCLUDED
}

/** Label of a class index: `C:maj` … `B:min`, `N`, or `X` for -1. */
export function classLabel(cls: number): string {
  if (cls === N_CLASS) return 'N'
  if (cls < 0 || cls > N_CLASS) return 'X'
  return `${PITCH_NAMES[cls % 12]}:${cls < 12 ? 'maj' : 'min'}`
}

/**
 * Reduce a label to maj/min/N (mir_eval `majmin`), keeping the root as spelled.
 * @returns `Db:maj`, `A:min`, `N`, or `X` when the label is excluded from majmin scoring
 * @example reduceMajMin('A:min7') === 'A:min'; reduceMajMin('C:sus4') === 'X'
 */
export function reduceMajMin(label: string | Chord): string {
  const chord = typeof label === 'string' ? parseHarte(label) : label
  const cls = majminClass(chord)
  if (cls === N_CLASS) return 'N'
  if (cls === EXCLUDED) return 'X'
  return `${chord.rootName}:${cls < 12 ? 'maj' : 'min'}`
}

/** Reduce a label to its root as spelled (`Bb`), or `N` / `X`. */
export function reduceRoot(label: string | Chord): string {
  const chord = typeof label === 'string' ? parseHarte(label) : label
  return chord.kind === 'chord' ? chord.rootName : chord.kind
}
