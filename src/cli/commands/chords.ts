/** `chordwarp chords parse|reduce|format|sequence`: the chord language on the command line. */
import type { Command } from 'commander'
import {
  type Chord,
  ChordSyntaxError,
  formatHarte,
  parseHarte,
  parseLeadSheetSymbol,
  parseSequence,
  reduceMajMin,
  reduceRoot,
} from '../../core/chords'
import { printJson, printLine } from '../output'

/** A label as Harte, else as a lead-sheet symbol. */
function readChord(text: string): Chord {
  try {
    return parseHarte(text)
  } catch (e) {
    if (!(e instanceof ChordSyntaxError)) throw e
    const c = parseLeadSheetSymbol(text)
    if (c) return c
    throw new ChordSyntaxError(`unknown chord "${text}" (neither Harte nor a lead-sheet symbol)`, text)
  }
}

function describe(c: Chord) {
  return {
    label: formatHarte(c),
    kind: c.kind,
    root: c.root,
    rootName: c.rootName,
    quality: c.quality,
    degrees: c.degrees,
    bass: c.bass,
    bassPc: c.bassPc,
    bitmap: c.bitmap,
    pitchClasses: c.pcs,
    majmin: reduceMajMin(c),
    rootOnly: reduceRoot(c),
  }
}

export function register(program: Command): void {
  const chords = program
    .command('chords')
    .description('parse, reduce and format chord labels (Harte or lead-sheet)')

  chords
    .command('parse')
    .description('structured chord(s) of each label, e.g. "Am7/G" or "A:min7/b7"')
    .argument('<labels...>')
    .option('--json', 'print one JSON object')
    .action((labels: string[], opts: { json?: boolean }) => {
      const out = labels.map((l) => describe(readChord(l)))
      if (opts.json) printJson(out.length === 1 ? out[0] : out)
      else
        for (const o of out)
          printLine(
            `${o.label}\troot=${o.rootName || '-'} quality=${o.quality || '-'} bass=${o.bass || '-'} pcs=${o.pitchClasses.join(',')}`,
          )
    })

  chords
    .command('reduce')
    .description('reduce labels to maj/min/N (mir_eval majmin; X = excluded) or to roots')
    .argument('<labels...>')
    .option('--to <vocabulary>', 'majmin | root', 'majmin')
    .option('--json', 'print one JSON object')
    .action((labels: string[], opts: { to: string; json?: boolean }) => {
      if (opts.to !== 'majmin' && opts.to !== 'root')
        throw new ChordSyntaxError(`--to must be majmin or root, got "${opts.to}"`, opts.to)
      const out = labels.map((l) => {
        const c = readChord(l)
        return opts.to === 'root' ? reduceRoot(c) : reduceMajMin(c)
      })
      if (opts.json) printJson({ labels: out })
      else printLine(out.join(' '))
    })

  chords
    .command('format')
    .description('canonical Harte form of each label')
    .argument('<labels...>')
    .option('--json', 'print one JSON object')
    .action((labels: string[], opts: { json?: boolean }) => {
      const out = labels.map((l) => formatHarte(readChord(l)))
      if (opts.json) printJson({ labels: out })
      else printLine(out.join(' '))
    })

  chords
    .command('sequence')
    .description('expand a typed sequence (bar lines, repeats, comments) into Harte labels')
    .argument('<text>', 'the sequence, or @file to read it from a file')
    .option('--json', 'print one JSON object')
    .action(async (text: string, opts: { json?: boolean }) => {
      const src = text.startsWith('@') ? (await import('node:fs')).readFileSync(text.slice(1), 'utf8') : text
      const r = parseSequence(src)
      if (r.errors.length > 0) throw r.errors[0]
      const labels = r.chords.map((c) => c.label)
      if (opts.json) printJson({ labels, count: labels.length })
      else printLine(labels.join(' '))
    })
}
