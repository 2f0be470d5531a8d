/**
 * Harte chord syntax (Harte et al. 2005, with the mir_eval extensions `sus2`, `1`, `5`, `11`, `13` …).
 *
 * `parseHarte` turns a label into a structured {@link Chord}; `formatHarte` writes it back canonically.
 * The numeric encoding (`bitmap`, `bassPc`) is exactly mir_eval 0.7's `chord.encode(label)`, so every
 * comparison built on it scores like mir_eval; `pcs` additionally keeps the upper extensions (9, 11, 13,
 * folded into one octave) for chord templates.
 *
 * @see mir_eval.chord (split, encode, QUALITIES) — the reference this module is tested against.
 */
import { ChordSyntaxError } from './errors'

/** Pitch classes of the natural note names [semitones above C]. */
const NATURALS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 }

/** Scale degree number → semitones above the root (mir_eval SCALE_DEGREES). */
const DEGREE_SEMITONES: Record<string, number> = {
  '1': 0,
  '2': 2,
  '3': 4,
  '4': 5,
  '5': 7,
  '6': 9,
  '7': 11,
  '8': 12,
  '9': 14,
  '10': 16,
  '11': 17,
  '12': 19,
  '13': 21,
}

/**
 * Shorthands, spelled as degree lists (Harte 2005, Table 2, plus the mir_eval additions).
 * The spelling is used for chord templates; the mir_eval bitmap below for scoring.
 */
export const SHORTHAND_DEGREES: Readonly<Record<string, readonly string[]>> = {
  maj: ['1', '3', '5'],
  min: ['1', 'b3', '5'],
  dim: ['1', 'b3', 'b5'],
  aug: ['1', '3', '#5'],
  maj7: ['1', '3', '5', '7'],
  min7: ['1', 'b3', '5', 'b7'],
  '7': ['1', '3', '5', 'b7'],
  dim7: ['1', 'b3', 'b5', 'bb7'],
  hdim7: ['1', 'b3', 'b5', 'b7'],
  minmaj7: ['1', 'b3', '5', '7'],
  maj6: ['1', '3', '5', '6'],
  min6: ['1', 'b3', '5', '6'],
  '9': ['1', '3', '5', 'b7', '9'],
  maj9: ['1', '3', '5', '7', '9'],
  min9: ['1', 'b3', '5', 'b7', '9'],
  '11': ['1', '3', '5', 'b7', '9', '11'],
  maj11: ['1', '3', '5', '7', '9', '11'],
  min11: ['1', 'b3', '5', 'b7', '9', '11'],
  '13': ['1', '3', '5', 'b7', '9', '11', '13'],
  maj13: ['1', '3', '5', '7', '9', '11', '13'],
  min13: ['1', 'b3', '5', 'b7', '9', '11', '13'],
  sus2: ['1', '2', '5'],
  sus4: ['1', '4', '5'],
  aug7: ['1', '3', '#5', 'b7'],
  '1': ['1'],
  '5': ['1', '5'],
}

/**
 * mir_eval 0.7 `QUALITIES` bitmaps (relative semitones 0..11). Extensions above the octave are not in
 * the bitmap (mir_eval drops them unless `reduce_extended_chords`). `aug7` and `maj11` pass mir_eval's
 * label regex but are missing from its table (its `encode` raises); we give them their natural bitmaps.
 */
const QUALITY_BITMAPS: Readonly<Record<string, readonly number[]>> = {
  maj: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0],
  min: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
  aug: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0],
  dim: [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0],
  sus4: [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0],
  sus2: [1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0],
  '7': [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
  maj7: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1],
  min7: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0],
  minmaj7: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1],
  maj6: [1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0],
  min6: [1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0],
  dim7: [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0],
  hdim7: [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0],
  maj9: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1],
  min9: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0],
  '9': [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
  min11: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0],
  '11': [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
  maj11: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1],
  maj13: [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1],
  min13: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0],
  '13': [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
  aug7: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0],
  '1': [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  '5': [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
  '': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
}

/** The shorthands this parser accepts (mir_eval's label regex). */
export const SHORTHANDS: readonly string[] = Object.keys(SHORTHAND_DEGREES)

/** A parsed chord label. N and X have `root = -1`. */
export interface Chord {
  kind: 'chord' | 'N' | 'X'
  /** Root pitch class [0..11, C = 0]; -1 for N and X. */
  root: number
  /** Root as spelled in the label (`Bb`, `C#`, `Fbb`); '' for N and X. */
  rootName: string
  /** Quality shorthand (`maj`, `min7` …); '' when the label gives only an interval list. */
  quality: string
  /** Added degrees and omissions (`*5`) in the order written. */
  degrees: string[]
  /** Bass as a scale degree relative to the root (`1` = root position, `3`, `b7` …). */
  bass: string
  /** Bass in semitones above the root [0..11] (mir_eval `bass_number`); -1 for N and X. */
  bassPc: number
  /** mir_eval semitone bitmap relative to the root (12 entries; all -1 for X, all 0 for N). */
  bitmap: number[]
  /** Absolute pitch classes the chord sounds, extensions folded into the octave, sorted ascending. */
  pcs: number[]
  /** Absolute pitch class of the bass note; -1 for N and X. */
  bassAbs: number
}

const ROOT_RE = /^[A-G](b*|#*)$/
const DEGREE_RE = /^(b*|#*)(1[0-3]|[1-9])$/

/** Semitones of a scale degree such as `b7`, `#11`, `bb7` (mir_eval `scale_degree_to_semitone`). */
export function degreeToSemitone(degree: string): number {
  const m = DEGREE_RE.exec(degree)
  if (!m) throw new ChordSyntaxError(`invalid scale degree "${degree}"`, degree)
  const mods = m[1]!
  const offset = mods.startsWith('#') ? mods.length : -mods.length
  return DEGREE_SEMITONES[m[2]!]! + offset
}

/** Pitch class of a spelled root such as `C#`, `Bbb` [0..11] (mir_eval `pitch_class_to_semitone`). */
export function rootToPitchClass(root: string): number {
  if (!ROOT_RE.test(root)) throw new ChordSyntaxError(`invalid root "${root}"`, root)
  let pc = NATURALS[root[0]!]!
  for (let i = 1; i < root.length; i++) pc += root[i] === '#' ? 1 : -1
  return ((pc % 12) + 12) % 12
}

function mod12(x: number): number {
  return ((x % 12) + 12) % 12
}

/**
 * Parse one Harte label.
 * @param label e.g. `A:min7/b7`, `C:maj7(*5)`, `C:(3,5,b7)`, `N`, `X`, `Bb` (= `Bb:maj`)
 * @returns the structured chord
 * @throws ChordSyntaxError naming the offending part
 * @example parseHarte('C:maj/3').bassAbs === 4
 */
export function parseHarte(label: string): Chord {
  const text = label.trim()
  if (text === 'N') return noChord('N')
  if (text === 'X') return noChord('X')
  if (text.length === 0) throw new ChordSyntaxError('empty chord label', label)

  let rest = text
  let bass = '1'
  const slash = rest.indexOf('/')
  if (slash >= 0) {
    bass = rest.slice(slash + 1)
    rest = rest.slice(0, slash)
    if (!DEGREE_RE.test(bass))
      throw new ChordSyntaxError(`invalid bass degree "/${bass}" in "${label}"`, label)
  }
  let degrees: string[] = []
  const paren = rest.indexOf('(')
  if (paren >= 0) {
    if (!rest.endsWith(')')) throw new ChordSyntaxError(`unclosed "(" in "${label}"`, label)
    const inner = rest.slice(paren + 1, -1)
    rest = rest.slice(0, paren)
    degrees = inner.split(',').map((d) => d.trim())
    for (const d of degrees) {
      const bare = d.startsWith('*') ? d.slice(1) : d
      if (!DEGREE_RE.test(bare)) throw new ChordSyntaxError(`invalid degree "${d}" in "${label}"`, label)
    }
  }
  let rootName = rest
  let quality = degrees.length > 0 ? '' : 'maj'
  const colon = rest.indexOf(':')
  if (colon >= 0) {
    rootName = rest.slice(0, colon)
    const q = rest.slice(colon + 1)
    if (q.length > 0) {
      if (!(q in SHORTHAND_DEGREES))
        throw new ChordSyntaxError(`unknown quality ":${q}" in "${label}"`, label)
      quality = q
    } else if (degrees.length === 0) {
      throw new ChordSyntaxError(`missing quality after ":" in "${label}"`, label)
    }
  } else if (paren >= 0) {
    throw new ChordSyntaxError(`an interval list needs a ":" before it in "${label}"`, label)
  }
  if (!ROOT_RE.test(rootName)) throw new ChordSyntaxError(`invalid root "${rootName}" in "${label}"`, label)
  if (quality === '' && degrees.some((d) => d.startsWith('*'))) {
    throw new ChordSyntaxError(`omissions need a quality in "${label}"`, label)
  }
  return buildChord(rootName, quality, degrees, bass)
}

function noChord(kind: 'N' | 'X'): Chord {
  return {
    kind,
    root: -1,
    rootName: '',
    quality: '',
    degrees: [],
    bass: '',
    bassPc: -1,
    bitmap: new Array<number>(12).fill(kind === 'X' ? -1 : 0),
    pcs: [],
    bassAbs: -1,
  }
}

/** Assemble a chord from its parts (no validation of the parts' syntax beyond what encoding needs). */
export function buildChord(rootName: string, quality: string, degreeList: string[], bass: string): Chord {
  // Harte's interval list is a set (mir_eval reads it as one): a repeated degree counts once.
  const degrees = [...new Set(degreeList)]
  const root = rootToPitchClass(rootName)
  // mir_eval encode: quality bitmap, root always on, degrees ±1 without modulo, then > 0, then bass on.
  const acc = [...QUALITY_BITMAPS[quality]!]
  acc[0] = 1
  for (const d of degrees) {
    const omit = d.startsWith('*')
    const s = degreeToSemitone(omit ? d.slice(1) : d)
    // Python's index wrap: a negative degree (`b1`) lands at the top of the octave, as in mir_eval.
    if (s < 12) acc[mod12(s)]! += omit ? -1 : 1
  }
  const bitmap = acc.map((v) => (v > 0 ? 1 : 0))
  const bassPc = mod12(degreeToSemitone(bass))
  bitmap[bassPc] = 1
  // Sounding pitch classes: the full spelling, extensions folded into the octave.
  const rel = new Set<number>((SHORTHAND_DEGREES[quality] ?? []).map((d) => mod12(degreeToSemitone(d))))
  rel.add(0)
  for (const d of degrees) {
    if (d.startsWith('*')) rel.delete(mod12(degreeToSemitone(d.slice(1))))
    else rel.add(mod12(degreeToSemitone(d)))
  }
  rel.add(bassPc)
  const pcs = [...rel].map((r) => mod12(r + root)).sort((a, b) => a - b)
  return {
    kind: 'chord',
    root,
    rootName,
    quality,
    degrees: [...degrees],
    bass,
    bassPc,
    bitmap,
    pcs,
    bassAbs: mod12(root + bassPc),
  }
}

/**
 * Canonical Harte text of a chord: `root:quality(degrees)/bass`, quality always written
 * (`C` → `C:maj`), bass omitted in root position.
 */
export function formatHarte(chord: Chord): string {
  if (chord.kind !== 'chord') return chord.kind
  let s = `${chord.rootName}:${chord.quality}`
  if (chord.degrees.length > 0) s += `(${chord.degrees.join(',')})`
  if (chord.bass !== '1' && chord.bass !== '') s += `/${chord.bass}`
  return s
}

/** Parse and format in one go: the canonical form of a Harte label. */
export function canonicalHarte(label: string): string {
  return formatHarte(parseHarte(label))
}

/** True when the text is a valid Harte label. */
export function isHarte(label: string): boolean {
  try {
    parseHarte(label)
    return true
  } catch (e) {
    if (e instanceof ChordSyntaxError) return false
    throw e
  }
}
