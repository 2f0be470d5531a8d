/**
 * Lead-sheet input: what a musicologist types.
 *
 * Accepts, mixed freely:
 * - lead-sheet symbols `Am7 C/E Bb F#m G7sus4 Ebmaj7#11 Cm(maj7) F6/9 Bø7 Cdim7 N.C.`,
 * - Harte labels `A:min7 C:maj/3 N`,
 * - bar lines `|`, `||`, repeat bars `|: … :|` (twice) and `:| x3`, groups `(C G Am F)x4`,
 *   a trailing `xN` after a bar line repeating the whole line (`| C G | Am F | x2`),
 *   `%` repeating the previous bar,
 * - comments from `#` or `//` to the end of the line, and line breaks.
 *
 * Errors carry the token and its 1-based `line:col` (`unknown chord "Hm" at 2:5`); all errors of a
 * text are collected so an editor can underline each one.
 */
import { ChordSyntaxError } from './errors'
import type { Chord } from './harte'
import { buildChord, degreeToSemitone, formatHarte, parseHarte, SHORTHAND_DEGREES } from './harte'

/** One chord of a typed sequence, after repeats are expanded. */
export interface SequenceChord {
  /** Canonical Harte label (`A:min7`, `C:maj/3`, `N`). */
  label: string
  /** The token as the user typed it. */
  symbol: string
  chord: Chord
  /** 1-based position of the token in the source text. */
  line: number
  col: number
}

export interface SequenceParse {
  chords: SequenceChord[]
  errors: ChordSyntaxError[]
}

// ---------------------------------------------------------------------------------------------
// Lead-sheet chord symbols

const NOTE_RE = /^([A-G])([#b♯♭]*)/

/** Degree spellings of a semitone for bass notes that are not chord tones. */
const DEFAULT_DEGREE = ['1', 'b2', '2', 'b3', '3', '4', 'b5', '5', 'b6', '6', 'b7', '7']

/** Shorthands tried when writing a degree set as Harte, in order of preference on ties. */
const FORMAT_SHORTHANDS = [
  'maj',
  'min',
  '7',
  'maj7',
  'min7',
  'dim',
  'aug',
  'sus4',
  'sus2',
  'dim7',
  'hdim7',
  'minmaj7',
  'maj6',
  'min6',
  '9',
  'maj9',
  'min9',
  '11',
  'min11',
  '13',
  'maj13',
  'min13',
  '5',
  '1',
]

function normaliseAccidentals(s: string): string {
  return s.replace(/♯/g, '#').replace(/♭/g, 'b')
}

type Degrees = Set<string>

/** Order degrees by pitch for stable output (1 3 5 b7 9 …). */
function degreeOrder(a: string, b: string): number {
  const na = Number(a.replace(/[b#]/g, ''))
  const nb = Number(b.replace(/[b#]/g, ''))
  return na - nb || degreeToSemitone(a) - degreeToSemitone(b)
}

/** Best Harte (quality, degree list) for a set of degree names: fewest additions + omissions. */
function spell(set: Degrees): { quality: string; degrees: string[] } {
  let best = { quality: '', degrees: [...set].sort(degreeOrder), cost: Number.POSITIVE_INFINITY }
  for (const q of FORMAT_SHORTHANDS) {
    const base = new Set(SHORTHAND_DEGREES[q])
    const adds = [...set].filter((d) => !base.has(d)).sort(degreeOrder)
    const omits = [...base].filter((d) => !set.has(d)).sort(degreeOrder)
    const cost = adds.length + omits.length
    if (cost < best.cost) best = { quality: q, degrees: [...adds, ...omits.map((d) => `*${d}`)], cost }
  }
  return best
}

/**
 * Parse a lead-sheet chord symbol (`Am7/G`, `F#m7b5`, `G7sus4`, `Cadd9`, `Bb6/9`) into a chord.
 * @returns null when the text is not a chord symbol
 */
export function parseLeadSheetSymbol(symbol: string): Chord | null {
  const text = normaliseAccidentals(symbol.trim())
  const m = NOTE_RE.exec(text)
  if (!m) return null
  const acc = m[2]!
  if (acc.includes('#') && acc.includes('b')) return null
  const rootName = m[1]! + acc
  let rest = text.slice(m[0].length)

  // Slash bass: a note name (`/E`, `/Bb`) or a degree (`/3`, `/b7`). `6/9` is not a bass.
  let bassNote: string | null = null
  let bassDegree: string | null = null
  const slash = rest.replace('6/9', '6~9').lastIndexOf('/')
  if (slash >= 0) {
    const b = rest.slice(slash + 1)
    rest = rest.slice(0, slash)
    if (/^[A-G][#b]*$/.test(b) && !(b.includes('#') && b.includes('b'))) bassNote = b
    else if (/^(b*|#*)(1[0-3]|[1-9])$/.test(b)) bassDegree = b
    else return null
  }
  const degrees = parseSuffix(rest)
  if (!degrees) return null
  const { quality, degrees: extra } = spell(degrees)

  let bass = '1'
  if (bassDegree) bass = bassDegree
  else if (bassNote) {
    const rel = (((parseHarte(`${bassNote}:maj`).root - parseHarte(`${rootName}:maj`).root) % 12) + 12) % 12
    // Spell the bass as the chord tone it doubles when there is one (e.g. #5 of an augmented chord).
    const tone = [...degrees].find((d) => ((degreeToSemitone(d) % 12) + 12) % 12 === rel)
    bass = tone ?? DEFAULT_DEGREE[rel]!
  }
  return buildChord(rootName, quality, extra, bass)
}

/**
 * The degree set of a chord-symbol suffix (everything after the root, before the bass), or null.
 * Grammar: quality? number? alterations*, with optional parentheses and commas around alterations.
 */
function parseSuffix(suffix: string): Degrees | null {
  // Parentheses, commas and spaces only group alterations: `C7(b9,#11)` = `C7b9#11`.
  let s = suffix.replace(/[(),\s]/g, '')
  const take = (re: RegExp): string | null => {
    const mm = re.exec(s)
    if (!mm) return null
    s = s.slice(mm[0].length)
    return mm[0]
  }
  // Quality word.
  let q: 'maj' | 'min' | 'dim' | 'aug' | 'hdim' | 'none' = 'none'
  let majorSeventh = false
  if (take(/^(min|mi|m(?!aj)|-)/)) q = 'min'
  else if (take(/^(maj|Maj|MA|ma|M|Δ|\^|j)(?=\d|$|add|sus|[#b+])/)) {
    q = 'maj'
    majorSeventh = true
  } else if (take(/^(dim|°|o)/)) q = 'dim'
  else if (take(/^(aug|\+)/)) q = 'aug'
  else if (take(/^(ø|Ø)/)) q = 'hdim'
  // mM7, m(maj7), -Δ7: a minor chord with a major seventh.
  if (q === 'min' && take(/^(maj|Maj|M|Δ|\^)(?=7|9|11|13|$)/)) {
    majorSeventh = true
    if (s === '') s = '7'
  }

  const set: Degrees = new Set(['1'])
  set.add(q === 'min' || q === 'dim' || q === 'hdim' ? 'b3' : '3')
  set.add(q === 'dim' || q === 'hdim' ? 'b5' : q === 'aug' ? '#5' : '5')
  if (q === 'hdim') set.add('b7')
  const seventh = majorSeventh ? '7' : q === 'dim' ? 'bb7' : 'b7'
  const num = take(/^(6\/9|69|13|11|9|7|6|5|4|2)/)
  const adds: Record<string, string[]> = {
    '6': ['6'],
    '6/9': ['6', '9'],
    '69': ['6', '9'],
    '7': [seventh],
    '9': [seventh, '9'],
    '11': [seventh, '9', '11'],
    '13': [seventh, '9', '11', '13'],
    '4': ['4'],
    '2': ['2'],
  }
  if (num === '5') {
    if (q !== 'none') return null
    set.delete('3')
  } else if (num) for (const d of adds[num]!) set.add(d)
  else if (/^(Δ|\^)$/.test(suffix)) set.add('7')

  // Alterations and additions, in any order.
  const dropThird = () => {
    set.delete('3')
    set.delete('b3')
  }
  while (s.length > 0) {
    if (take(/^sus4|^sus(?!2)/)) {
      dropThird()
      set.add('4')
    } else if (take(/^sus2/)) {
      dropThird()
      set.add('2')
    } else if (take(/^(maj7|M7|Δ7|Δ)/)) {
      set.delete('b7')
      set.add('7')
    } else {
      const add = take(/^add[b#]?(2|4|6|9|11|13)/)
      const omit = add ? null : take(/^(no|omit)(1|3|5)/)
      const alt = add || omit ? null : take(/^[b#+-](5|9|11|13)/)
      if (add) set.add(add.slice(3))
      else if (omit) {
        const d = omit.replace(/^(no|omit)/, '')
        for (const x of [...set]) if (x.replace(/[b#]/g, '') === d) set.delete(x)
      } else if (alt) {
        const d = alt.slice(1)
        for (const x of [...set]) if (x.replace(/[b#]/g, '') === d) set.delete(x)
        if (d !== '5' && !set.has('b7') && !set.has('7') && !set.has('bb7')) set.add('b7')
        set.add((alt[0] === '+' || alt[0] === '#' ? '#' : 'b') + d)
      } else return null
    }
  }
  return set
}

// ---------------------------------------------------------------------------------------------
// Sequence text

interface Token {
  text: string
  line: number
  col: number
}

function tokenize(text: string): Token[] {
  const out: Token[] = []
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  lines.forEach((raw, li) => {
    // A chord token may carry a parenthesised suffix (`E:sus4(b7)`, `C7(b9,#11)`); a `(` after a
    // space opens a group.
    const re = /\|\||\|:|:\||\||\(|\)|[^\s|()]+(?:\([^\s|()]*\)[^\s|()]*)*/g
    let m: RegExpExecArray | null
    while ((m = re.exec(raw)) !== null) {
      const t = m[0]
      if (t.startsWith('#') || t.startsWith('//')) break
      out.push({ text: t, line: li + 1, col: m.index + 1 })
    }
    out.push({ text: '\n', line: li + 1, col: raw.length + 1 })
  })
  return out
}

const REPEAT_RE = /^[x×](\d+)$/
const NO_CHORD_RE = /^(N\.?C\.?|n\.c\.|NC)$/

function symbolToChord(t: string): Chord | null {
  if (t === 'N' || NO_CHORD_RE.test(t)) return parseHarte('N')
  if (t === 'X') return parseHarte('X')
  if (t.includes(':')) {
    try {
      return parseHarte(t)
    } catch (e) {
      if (e instanceof ChordSyntaxError) return null
      throw e
    }
  }
  return parseLeadSheetSymbol(t)
}

/**
 * Parse a typed chord sequence, expanding repeats.
 * @param text lead-sheet text, e.g. `|: Am7 | D7 :| G x2`
 * @returns the chords in order and every error found (the sequence omits erroneous tokens)
 */
export function parseSequence(text: string): SequenceParse {
  const tokens = tokenize(text)
  const errors: ChordSyntaxError[] = []
  const err = (msg: string, t: Token) =>
    errors.push(new ChordSyntaxError(`${msg} at ${t.line}:${t.col}`, t.text, t.line, t.col))

  // Frames: a stack of chord lists for groups `( … )`; the repeat-bar start and line start
  // are indices into the top frame.
  const stack: { items: SequenceChord[]; open: Token | null }[] = [{ items: [], open: null }]
  let repeatStart: number | null = null
  let lineStart = 0
  let barStart = 0
  let prevBar: SequenceChord[] = []
  let lastClosed: { kind: 'group' | 'repeatbar' | 'bar'; from: number } | null = null
  const top = () => stack[stack.length - 1]!

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const items = top().items
    const rep = REPEAT_RE.exec(t.text)
    if (rep) {
      const n = Number(rep[1])
      if (n < 1) {
        err(`repeat count must be at least 1 ("${t.text}")`, t)
        continue
      }
      if (!lastClosed) {
        err(`"${t.text}" must follow ")", ":|" or "|"`, t)
        continue
      }
      // `:| x3` means three plays in all; the `:|` already added the second.
      const times = lastClosed.kind === 'repeatbar' ? n - 2 : n - 1
      const block = items.slice(
        lastClosed.from,
        lastClosed.kind === 'repeatbar'
          ? lastClosed.from + (items.length - lastClosed.from) / 2
          : items.length,
      )
      for (let k = 0; k < times; k++) items.push(...block)
      if (times < 0) items.splice(items.length - block.length, block.length)
      lastClosed = null
      continue
    }
    switch (t.text) {
      case '\n':
        lineStart = items.length
        barStart = items.length
        lastClosed = null
        continue
      case '(':
        stack.push({ items: [], open: t })
        lastClosed = null
        continue
      case ')': {
        if (stack.length === 1) {
          err('unmatched ")"', t)
          continue
        }
        const group = stack.pop()!
        const outer = top().items
        const from = outer.length
        outer.push(...group.items)
        lastClosed = { kind: 'group', from }
        continue
      }
      case '|:':
        repeatStart = items.length
        barStart = items.length
        lastClosed = null
        continue
      case ':|': {
        const from = repeatStart ?? 0
        const block = items.slice(from)
        prevBar = items.slice(barStart)
        items.push(...block)
        lastClosed = { kind: 'repeatbar', from }
        repeatStart = null
        barStart = items.length
        continue
      }
      case '|':
      case '||':
        if (items.length > barStart) prevBar = items.slice(barStart)
        barStart = items.length
        lastClosed = { kind: 'bar', from: lineStart }
        continue
      case '%':
        items.push(...prevBar)
        lastClosed = null
        continue
      case '/':
      case '-':
      case '.':
        continue // beat slashes and continuation marks
    }
    const chord = symbolToChord(t.text)
    if (!chord) {
      err(`unknown chord "${t.text}"`, t)
      continue
    }
    items.push({ label: formatHarte(chord), symbol: t.text, chord, line: t.line, col: t.col })
    lastClosed = null
  }
  while (stack.length > 1) {
    const g = stack.pop()!
    err('unclosed "("', g.open!)
    top().items.push(...g.items)
  }
  return { chords: stack[0]!.items, errors }
}

/**
 * Parse a typed chord sequence, throwing the first error.
 * @throws ChordSyntaxError `unknown chord "Hm" at 2:5`
 */
export function parseSequenceStrict(text: string): SequenceChord[] {
  const r = parseSequence(text)
  if (r.errors.length > 0) throw r.errors[0]
  return r.chords
}

/** Merge adjacent repeats of the same label (`C C G` → `C G`); an aligner cannot split identical chords. */
export function mergeRepeats<T extends { label: string }>(chords: readonly T[]): T[] {
  const out: T[] = []
  for (const c of chords) if (out.length === 0 || out[out.length - 1]!.label !== c.label) out.push(c)
  return out
}
