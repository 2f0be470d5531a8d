/** Chord labels typed into the lane: lead-sheet symbols or Harte, stored as canonical Harte. */
import { parseSequence } from '../../../core/chords'

/** The canonical Harte label of one typed chord, or the reason it is not one. */
export function canonicalLabel(text: string): { label: string } | { error: string } {
  const t = text.trim()
  if (!t) return { error: 'type a chord, e.g. Am7, C/E, F#:min or N' }
  const r = parseSequence(t)
  if (r.errors.length > 0) return { error: r.errors[0]!.message.replace(/ at \d+:\d+$/, '') }
  if (r.chords.length !== 1) return { error: 'one chord only' }
  return { label: r.chords[0]!.label }
}

/** Harte label with ♯/♭ for display (`Bb:min7` → `B♭:min7`); the data keeps ASCII. */
export function prettyLabel(label: string): string {
  return label.replace(
    /^([A-G])(b+|#+)/,
    (_m, root: string, acc: string) => root + acc.replace(/b/g, '♭').replace(/#/g, '♯'),
  )
}
