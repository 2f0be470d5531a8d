/** `chordwarp align | recognize | eval` as a user runs them (chroma JSON inputs built here, no corpus needed). */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { formatLab, parseLabStrict, type Segment } from '../../src/core/chords'
import { corpusReport, evaluateAnnotation } from '../../src/core/eval'
import { chordwarp } from '../helpers/cli'
import { requirePythonModule, runPythonJson } from '../helpers/python'
import { synthChroma } from '../helpers/synthChroma'

const dir = mkdtempSync(join(tmpdir(), 'cw-align-cli-'))
const SPEC = [
  ['N', 30],
  ['A:min7', 40],
  ['C:maj/3', 35],
  ['F:maj', 50],
  ['G:7', 20],
  ['C:maj', 44],
  ['N', 25],
] as const

function writeChromaJson(path: string): number {
  const ch = synthChroma(
    SPEC.map(([label, frames]) => ({ label, frames })),
    { noise: 0.3, seed: 2 },
  )
  const rows = (a: Float32Array) =>
    Array.from({ length: ch.frames }, (_, t) => Array.from(a.slice(t * 12, t * 12 + 12)))
  writeFileSync(path, JSON.stringify({ frameRate: ch.frameRate, chroma: rows(ch.data), bass: rows(ch.bass) }))
  return ch.frames / ch.frameRate
}

const oneLine = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.code).toBe(1)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
}

describe('chordwarp align / recognize', () => {
  const chroma = join(dir, 'song.chroma.json')
  let duration = 0
  beforeAll(() => {
    duration = writeChromaJson(chroma)
  })
  test('prints a .lab that keeps the typed labels and covers the recording', () => {
    const r = chordwarp(['align', chroma, '--chords', 'Am7 C/E F G7 C'])
    expect(r.code).toBe(0)
    const segs = parseLabStrict(r.stdout)
    expect(segs.map((s) => s.label)).toEqual(['N', 'A:min7', 'C:maj/3', 'F:maj', 'G:7', 'C:maj', 'N'])
    expect(segs[segs.length - 1]!.end).toBeCloseTo(duration, 5)
    expect(r.stderr).toBe('')
  })
  test('--json, -o and --lock', () => {
    const out = join(dir, 'out.lab')
    const r = chordwarp([
      'align',
      chroma,
      '--chords',
      'Am7 C/E F G7 C',
      '--lock',
      '4@7.0',
      '-o',
      out,
      '--json',
    ])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.tokens).toEqual(['A:min7', 'C:maj/3', 'F:maj', 'G:7', 'C:maj'])
    expect(j.boundaries[3]).toMatchObject({ time: 7, locked: true })
    expect(j.segments.every((s: { confidence: number }) => s.confidence >= 0 && s.confidence <= 1)).toBe(true)
    expect(parseLabStrict(readFileSync(out, 'utf8')).map((s) => s.start)).toContain(7)
  })
  test('a typo gives a warning on stderr, still a .lab on stdout', () => {
    const r = chordwarp(['align', chroma, '--chords', 'Am7 C/E Dm G7 C'])
    expect(r.code).toBe(0)
    expect(parseLabStrict(r.stdout)).toHaveLength(7)
    expect(r.stderr).toMatch(/^warning: chord 3 \(D:min/m)
  })
  test('--chords-file', () => {
    const f = join(dir, 'song.chords.txt')
    writeFileSync(f, 'A:min7 C:maj/3 F:maj G:7 C:maj\n')
    expect(chordwarp(['align', chroma, '--chords-file', f]).code).toBe(0)
  })
  test.each([
    [['align', 'CHROMA'], /--chords/],
    [['align', 'CHROMA', '--chords', 'C G', '--chords-file', 'x'], /once/],
    [['align', 'CHROMA', '--chords', 'Am7 Hm F'], /unknown chord "Hm" at 1:5/],
    [['align', 'CHROMA', '--chords', ''], /empty/],
    [
      ['align', 'CHROMA', '--chords', Array.from({ length: 300 }, (_, i) => (i % 2 ? 'C' : 'G')).join(' ')],
      /can hold at most/,
    ],
    [['align', 'CHROMA', '--chords', 'C G', '--lock', '9@1'], /chord 9 does not exist/],
    [['align', 'CHROMA', '--chords', 'C G', '--lock', 'x'], /chord@seconds/],
    [['align', join(tmpdir(), 'no-such-file.json'), '--chords', 'C G'], /not found/],
    [['recognize', 'CHROMA', '--self-transition', '3'], /probability/],
  ])('user error %#: exit 1 with one line', (args, msg) => {
    const r = chordwarp(args.map((a) => (a === 'CHROMA' ? chroma : a)))
    oneLine(r)
    expect(r.stderr).toMatch(msg)
  })
  test('a file that is not audio: exit 1 with one line naming it', () => {
    const bad = join(dir, 'notes.wav')
    writeFileSync(bad, 'these are my notes, not audio\n')
    const r = chordwarp(['align', bad, '--chords', 'C G', '--no-cache'])
    oneLine(r)
    expect(r.stderr).toContain('notes.wav')
  })
  test('recognize prints triads and N', () => {
    const r = chordwarp(['recognize', chroma, '--json'])
    expect(r.code).toBe(0)
    const labels = JSON.parse(r.stdout).segments.map((s: Segment) => s.label)
    expect(labels[0]).toBe('N')
    expect(labels).toContain('F:maj')
  })
})

describe('chordwarp eval', () => {
  const ref1: Segment[] = [
    { start: 0, end: 1.5, label: 'N' },
    { start: 1.5, end: 4, label: 'C:maj' },
    { start: 4, end: 7, label: 'A:min7' },
    { start: 7, end: 9, label: 'F:maj/3' },
  ]
  const est1: Segment[] = [
    { start: 0, end: 1.2, label: 'N' },
    { start: 1.2, end: 4.3, label: 'C:maj' },
    { start: 4.3, end: 7, label: 'A:min' },
    { start: 7, end: 9.5, label: 'F:maj' },
  ]
  const ref2: Segment[] = [
    { start: 0, end: 10, label: 'G:7' },
    { start: 10, end: 20, label: 'E:sus4' },
  ]
  const est2: Segment[] = [
    { start: 0, end: 12, label: 'G:maj' },
    { start: 12, end: 20, label: 'E:maj' },
  ]
  const corpus = join(dir, 'corpus')
  const estDir = join(dir, 'est')
  beforeAll(() => {
    mkdirSync(join(corpus, 'x'), { recursive: true })
    mkdirSync(estDir, { recursive: true })
    writeFileSync(join(corpus, 'x/a.lab'), formatLab(ref1))
    writeFileSync(join(corpus, 'x/b.lab'), formatLab(ref2))
    writeFileSync(
      join(corpus, 'manifest.json'),
      JSON.stringify({
        items: [
          { id: 'a', audio: 'x/a.wav', lab: 'x/a.lab', split: 'test' },
          { id: 'b', audio: 'x/b.wav', lab: 'x/b.lab', split: 'test' },
          { id: 'c', audio: 'x/c.wav', lab: 'x/a.lab', split: 'train' },
        ],
      }),
    )
    writeFileSync(join(estDir, 'a.lab'), formatLab(est1))
    writeFileSync(join(estDir, 'b.lab'), formatLab(est2))
  })
  test('--json: per-item scores as mir_eval, corpus totals duration-weighted', () => {
    const r = chordwarp([
      'eval',
      '--manifest',
      join(corpus, 'manifest.json'),
      '--est',
      estDir,
      '--split',
      'test',
      '--json',
    ])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.items.map((i: { id: string }) => i.id)).toEqual(['a', 'b'])
    const total = corpusReport([evaluateAnnotation(ref1, est1), evaluateAnnotation(ref2, est2)])
    expect(j.total.chords.wcsr.majmin).toBeCloseTo(total.chords.wcsr.majmin, 12)
    requirePythonModule('mir_eval', 'python3-mir-eval')
    const py = runPythonJson<Record<string, number>[]>(
      `import json, sys, numpy as np, mir_eval
cases = json.load(sys.stdin)
out = []
for ref, est in cases:
    ri = np.array([[s, e] for s, e, _ in ref]); rl = [l for _, _, l in ref]
    ei = np.array([[s, e] for s, e, _ in est]); el = [l for _, _, l in est]
    out.append({k: float(v) for k, v in mir_eval.chord.evaluate(ri, rl, ei, el).items()})
json.dump(out, sys.stdout)`,
      [
        [ref1.map((s) => [s.start, s.end, s.label]), est1.map((s) => [s.start, s.end, s.label])],
        [ref2.map((s) => [s.start, s.end, s.label]), est2.map((s) => [s.start, s.end, s.label])],
      ],
    )
    j.items.forEach((it: { scores: Record<string, number> }, k: number) => {
      for (const [m, v] of Object.entries(py[k]!)) expect(it.scores[m]).toBeCloseTo(v, 12)
    })
  })
  test('table output and missing estimates', () => {
    const r = chordwarp(['eval', '--manifest', join(corpus, 'manifest.json'), '--est', estDir])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^a\s+9\.0/m)
    expect(r.stdout).toMatch(/^TOTAL \(WCSR\)/m)
    expect(r.stderr).toMatch(/no estimate for 1 item\(s\): c/)
  })
  test('user errors: exit 1 with one line', () => {
    oneLine(chordwarp(['eval', '--manifest', join(dir, 'nope.json'), '--est', estDir]))
    oneLine(chordwarp(['eval', '--manifest', join(corpus, 'manifest.json'), '--est', join(dir, 'corpus')]))
  })
})
