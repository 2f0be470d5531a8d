/**
 * Colours of alignment confidence: red (doubtful) → amber (check) → green (confident); blue = no score
 * (moved or relabelled by hand, or imported from a file).
 */

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

/** Words for a confidence, matching the colour bands. */
export function confWord(c: number | null | undefined): string {
  if (c === null || c === undefined) return 'no score'
  return c >= 0.8 ? 'confident' : c >= 0.55 ? 'check' : 'doubtful'
}
