/**
 * `.lab` files (one segment per line: `start end label`, seconds, tabs or spaces) and `.chords.txt`
 * files (the typed sequence on one line, labels separated by spaces).
 */
import { ChordSyntaxError } from './errors'
import { canonicalHarte } from './harte'
import { parseSequence } from './leadsheet'

/** A timed chord segment. Times in [seconds]. */
export interface Segment {
  start: number
  end: number
  label: string
}

export interface LabParse {
  segments: Segment[]
  /** Lines that could not be read (`line 7: expected "start end label"`). */
  errors: ChordSyntaxError[]
  /** Gaps and overlaps between consecutive segments, in words. */
  warnings: string[]
}

/**
 * Read a `.lab` text. Blank lines and `#` comments are skipped; labels are validated as Harte but
 * kept as written. Segments are returned in file order.
 * @param text file contents
 * @param tolerance gaps/overlaps below this many [seconds] are not reported (Default value = 1e-6)
 */
export function parseLab(text: string, tolerance = 1e-6): LabParse {
  const segments: Segment[] = []
  const errors: ChordSyntaxError[] = []
  const warnings: string[] = []
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
  lines.forEach((raw, i) => {
    const problem = readLabLine(raw.trim(), segments)
    if (problem) errors.push(new ChordSyntaxError(`line ${i + 1}: ${problem}`, raw, i + 1, 1))
  })
  for (let k = 1; k < segments.length; k++) {
    const gap = segments[k]!.start - segments[k - 1]!.end
    if (gap > tolerance)
      warnings.push(`gap of ${gap.toFixed(6)} s before segment ${k + 1} (${segments[k]!.start.toFixed(6)})`)
    else if (gap < -tolerance)
      warnings.push(
        `overlap of ${(-gap).toFixed(6)} s at segment ${k + 1} (${segments[k]!.start.toFixed(6)})`,
      )
  }
  return { segments, errors, warnings }
}

/** Append one `.lab` line's segment; returns what is wrong with the line, or null. */
function readLabLine(line: string, segments: Segment[]): string | null {
  if (line === '' || line.startsWith('#')) return null
  const parts = line.split(/\s+/)
  if (parts.length < 3) return `expected "start end label", got "${line}"`
  const start = Number(parts[0])
  const end = Number(parts[1])
  const label = parts.slice(2).join(' ')
  if (!Number.isFinite(start) || !Number.isFinite(end))
    return `times must be numbers, got "${parts[0]}" "${parts[1]}"`
  if (end < start) return `end ${end} is before start ${start}`
  try {
    canonicalHarte(label)
  } catch (e) {
    if (e instanceof ChordSyntaxError) return e.message
    throw e
  }
  segments.push({ start, end, label })
  return null
}

/** Read a `.lab`, throwing the first unreadable line. */
export function parseLabStrict(text: string): Segment[] {
  const r = parseLab(text)
  if (r.errors.length > 0) throw r.errors[0]
  return r.segments
}

/** Write segments as `.lab`: `start<TAB>end<TAB>label`, 6 decimals, LF line ends. */
export function formatLab(segments: readonly Segment[]): string {
  return segments.map((s) => `${s.start.toFixed(6)}\t${s.end.toFixed(6)}\t${s.label}\n`).join('')
}

/** Read a `.chords.txt` (or any typed sequence) as a list of canonical Harte labels. */
export function parseChordsTxt(text: string): string[] {
  const r = parseSequence(text)
  if (r.errors.length > 0) throw r.errors[0]
  return r.chords.map((c) => c.label)
}

/** Write labels as a `.chords.txt`: one line, single spaces, LF. */
export function formatChordsTxt(labels: readonly string[]): string {
  return `${labels.join(' ')}\n`
}

/**
 * The typed sequence a `.lab` implies: labels with adjacent repeats merged, then N and X dropped
 * (the convention of `shared/data`).
 */
export function labToSequence(segments: readonly Segment[]): string[] {
  const out: string[] = []
  let prev: string | null = null
  for (const s of segments) {
    if (s.label !== prev && s.label !== 'N' && s.label !== 'X') out.push(s.label)
    prev = s.label
  }
  return out
}
