/**
 * Colours of alignment confidence: red (doubtful) → amber (check) → green (confident); blue = no score
 * (moved or relabelled by hand, or imported from a file).
 */
import { CHECK_BELOW, DOUBT_BELOW } from '../state/segments'

const STOPS: [number, [number, number, number]][] = [
  [0, [217, 83, 79]],
  [0.45, [217, 83, 79]],
  [0.65, [224, 165, 38]],
  [0.85, [47, 158, 115]],
  [1, [47, 158, 115]],
]

/** CSS colour of a confidence in [0, 1]; null/undefined (hand-edited) is a calm blue. */
export function confColor(c: number | null | undefined): string {
  if (c === null || c === undefined) return 'rgb(107, 127, 179)'
  for (let k = 1; k < STOPS.length; k++) {
    const [x1, c1] = STOPS[k]!
    const [x0, c0] = STOPS[k - 1]!
    if (c <= x1) {
      const f = x1 === x0 ? 0 : (c - x0) / (x1 - x0)
      return `rgb(${c0.map((v, i) => Math.round(v + (c1[i]! - v) * f)).join(', ')})`
    }
  }
  return 'rgb(47, 158, 115)'
}

/** Words for a confidence, matching the colour bands (of a segment, or of a boundary: segments.ts). */
export function confWord(c: number | null | undefined, kind: 'segment' | 'boundary' = 'segment'): string {
  if (c === null || c === undefined) return 'no score'
  return c >= CHECK_BELOW[kind] ? 'confident' : c >= DOUBT_BELOW[kind] ? 'check' : 'doubtful'
}

/** Colour of a boundary's confidence: the segments' red, amber or green, by the boundaries' own bands. */
export function boundaryColor(c: number | null | undefined): string {
  if (c === null || c === undefined) return confColor(c)
  return confColor(c < DOUBT_BELOW.boundary ? 0 : c < CHECK_BELOW.boundary ? 0.65 : 1)
}
