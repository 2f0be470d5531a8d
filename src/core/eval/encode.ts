/**
 * mir_eval's numeric chord encoding, read from {@link parseHarte} (whose `root` / `bitmap` / `bassPc`
 * equal `mir_eval.chord.encode(label)`), plus the `reduce_extended_chords=True` variant that
 * `mir_eval.chord.merge_chord_intervals` uses.
 *
 * @see mir_eval 0.7 chord.encode, chord.split, chord.EXTENDED_QUALITY_REDUX
 */
import { type Chord, degreeToSemitone, parseHarte } from '../chords'

/** A chord as mir_eval sees it: root [0..11, -1 for N/X], relative bitmap (12), bass [semitones above root, -1]. */
export interface EncodedChord {
  root: number
  bitmap: readonly number[]
  bass: number
}

/** `mir_eval.chord.encode(label)`. */
export function encodeChord(chord: Chord): EncodedChord {
  return { root: chord.root, bitmap: chord.bitmap, bass: chord.bassPc }
}

/** Encodes labels with a per-call cache (labels repeat a lot in a `.lab`). */
export function encodeMany(labels: readonly string[], reduceExtended = false): EncodedChord[] {
  const cache = new Map<string, EncodedChord>()
  return labels.map((l) => {
    let e = cache.get(l)
    if (!e) {
      const c = parseHarte(l)
      e = reduceExtended ? encodeReducedExtended(c) : encodeChord(c)
      cache.set(l, e)
    }
    return e
  })
}

/** mir_eval EXTENDED_QUALITY_REDUX: extended quality → (base quality, added degrees). */
const EXTENDED_QUALITY_REDUX: Readonly<Record<string, readonly [string, readonly string[]]>> = {
  minmaj7: ['min', ['7']],
  maj9: ['maj7', ['9']],
  min9: ['min7', ['9']],
  '9': ['7', ['9']],
  '11': ['7', ['9', '11']],
  '13': ['7', ['9', '11', '13']],
  min11: ['min7', ['9', '11']],
  maj13: ['maj7', ['9', '11', '13']],
  min13: ['min7', ['9', '11', '13']],
}

function mod12(x: number): number {
  return ((x % 12) + 12) % 12
}

/**
 * `mir_eval.chord.encode(label, reduce_extended_chords=True)`: extended qualities become their base
 * quality plus added degrees, and every degree is folded into the octave (9 → 2, 13 → 9).
 */
export function encodeReducedExtended(chord: Chord): EncodedChord {
  if (chord.kind !== 'chord') return encodeChord(chord)
  const [quality, extra] = EXTENDED_QUALITY_REDUX[chord.quality] ?? [chord.quality, []]
  const degrees = new Set<string>([...chord.degrees, ...extra])
  const acc =
    quality === '' ? new Array<number>(12).fill(0) : [...parseHarte(`C:${quality}`).bitmap.map((b) => b)]
  acc[0] = 1
  for (const d of degrees) {
    const omit = d.startsWith('*')
    const s = degreeToSemitone(omit ? d.slice(1) : d)
    acc[mod12(s)]! += omit ? -1 : 1
  }
  const bitmap = acc.map((v) => (v > 0 ? 1 : 0))
  bitmap[chord.bassPc] = 1
  return { root: chord.root, bitmap, bass: chord.bassPc }
}

/** True when two encodings are identical (root, bitmap and bass). */
export function sameEncoding(a: EncodedChord, b: EncodedChord): boolean {
  if (a.root !== b.root || a.bass !== b.bass) return false
  for (let i = 0; i < 12; i++) if (a.bitmap[i] !== b.bitmap[i]) return false
  return true
}
