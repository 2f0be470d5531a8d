/**
 * End to end on short corpus items: audio → `chordwarp align` (single and batch) → `chordwarp eval`.
 * Skipped, with a message, when ../shared/data is absent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseLabStrict } from '../../src/core/chords'
import { evaluateAnnotation } from '../../src/core/eval'
import { chordwarp } from '../helpers/cli'
import { CORPUS_DIR, corpusPath, hasCorpus, loadManifest } from '../helpers/corpus'

describe.skipIf(!hasCorpus())('align on corpus audio', () => {
  const items = hasCorpus() ? loadManifest().filter((it) => ['synth01', 'synth05'].includes(it.id)) : []

  test('synth01 (wav): the typed sequence lands on the reference', () => {
    const it = items.find((i) => i.id === 'synth01')!
    const r = chordwarp([
      'align',
      corpusPath(it.audio),
      '--chords-file',
      corpusPath(it.chords),
      '--json',
      '--no-cache',
    ])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    const ref = parseLabStrict(readFileSync(corpusPath(it.lab), 'utf8'))
    const rep = evaluateAnnotation(ref, j.segments)
    expect(rep.chords.scores.majmin).toBeGreaterThan(0.95)
    expect(rep.pairedDeviation!).toBeLessThan(0.1)
    expect(j.segments[j.segments.length - 1].end).toBeCloseTo(it.duration_s, 2)
  })

  test('the sequence of another item is called a poor fit; the right one is not', () => {
    const it = items.find((i) => i.id === 'synth01')!
    const other = items.find((i) => i.id === 'synth05')!
    const run = (chords: string) =>
      chordwarp(['align', corpusPath(it.audio), '--chords-file', corpusPath(chords), '--json', '--no-cache'])
    const wrong = JSON.parse(run(other.chords).stdout)
    expect(wrong.warnings.map((w: { kind: string }) => w.kind)).toContain('poor-fit')
    expect(wrong.fit.shortfall).toBeGreaterThan(0.1)
    const right = JSON.parse(run(it.chords).stdout)
    expect(right.warnings.map((w: { kind: string }) => w.kind)).not.toContain('poor-fit')
    expect(Math.abs(right.fit.shortfall)).toBeLessThan(0.1)
  })

  test('batch over a manifest, then eval of the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-align-batch-'))
    const rel = (p: string) => relative(dir, join(CORPUS_DIR, p))
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        items: items.map((it) => ({ ...it, audio: rel(it.audio), lab: rel(it.lab), chords: rel(it.chords) })),
      }),
    )
    const out = join(dir, 'est')
    const a = chordwarp(['align', '--manifest', join(dir, 'manifest.json'), '--out', out, '--no-cache'])
    expect(a.code).toBe(0)
    expect(a.stderr).toMatch(/\[1\/2\] synth01/)
    expect(a.stderr).toMatch(/\[2\/2\] synth05/)
    const e = chordwarp(['eval', '--manifest', join(dir, 'manifest.json'), '--est', out, '--json'])
    expect(e.code).toBe(0)
    const j = JSON.parse(e.stdout)
    expect(j.items).toHaveLength(2)
    expect(j.total.chords.wcsr.majmin).toBeGreaterThan(0.95)
    expect(j.total.pairedDeviation).toBeLessThan(0.1)
  })
})
