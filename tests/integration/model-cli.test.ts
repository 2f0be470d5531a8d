/**
 * `chordwarp align --model` and `chordwarp recognize --model` (dChord + HMM) as a user runs them on a
 * corpus clip, their one-line errors, and `chordwarp doctor` reporting the tfjs backend in use.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseLab } from '../../src/core/chords'
import { evaluateChords } from '../../src/core/eval'
import { createModel, modelToFile } from '../../src/core/model'
import { chordwarp } from '../helpers/cli'
import { corpusPath, hasCorpus, REPO_ROOT } from '../helpers/corpus'

const dir = mkdtempSync(join(tmpdir(), 'cw-model-cli-'))
const model = join(dir, 'binary.json')

beforeAll(() => {
  tf.env().set('PROD', true)
  // A hand-set model: binary triad templates (libfmp C5) × 8 with η = 0.001, so that its softmax is
  // decisive on raw fmp chroma (values up to ~1e5). The untrained default (templates × 1, η = 1) gives
  // an almost uniform softmax there (0.042–0.05 for every chord) and is useless as an emission.
  const m = createModel({ kind: 'dchord', init: 'binary', etaInit: 0.001 })
  const w = m.getWeights()
  w.templates!.values = w.templates!.values.map((v) => 8 * v)
  m.setWeights(w)
  writeFileSync(model, JSON.stringify(modelToFile(m, { name: 'sharp binary templates' })))
  m.dispose()
})

const oneLine = (r: { code: number | null; stderr: string }) => {
  expect(r.code).toBe(1)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
}

describe.skipIf(!hasCorpus())('align and recognize with a chord model', () => {
  const audio = corpusPath('synth/synth06.wav')
  const ref = () => parseLab(readFileSync(corpusPath('synth/synth06.lab'), 'utf8')).segments

  it('aligns a typed sequence with model emissions', () => {
    const r = chordwarp([
      'align',
      audio,
      '--chords-file',
      corpusPath('synth/synth06.chords.txt'),
      '--model',
      model,
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout) as {
      emission: string
      segments: { start: number; end: number; label: string }[]
    }
    expect(j.emission).toBe('model')
    // every chord found where the reference has it (templates alone: 0.99 on this clip)
    expect(evaluateChords(ref(), j.segments).scores.majmin).toBeGreaterThan(0.95)
    expect(r.stdout.trim().split('\n')).toHaveLength(1) // nothing else on stdout (no tfjs banner)
  })

  it('recognises chords with dChord + HMM', () => {
    const r = chordwarp(['recognize', audio, '--model', model, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout) as {
      emission: string
      segments: { start: number; end: number; label: string }[]
    }
    expect(j.emission).toBe('model')
    expect(j.segments.every((s) => /^(N|[A-G]#?:(maj|min))$/.test(s.label))).toBe(true)
    expect(evaluateChords(ref(), j.segments).scores.majmin).toBeGreaterThan(0.5)
    const t = JSON.parse(chordwarp(['recognize', audio, '--json']).stdout) as { emission: string }
    expect(t.emission).toBe('template')
  })

  it('says in one line what is wrong with a model file or an input', () => {
    writeFileSync(join(dir, 'bad.json'), '{"format": "something-else"}')
    oneLine(chordwarp(['recognize', audio, '--model', join(dir, 'bad.json')]))
    expect(chordwarp(['recognize', audio, '--model', join(dir, 'bad.json')]).stderr).toMatch(
      /not a ChordWarp model file/,
    )
    oneLine(chordwarp(['recognize', audio, '--model', join(dir, 'missing.json')]))
    writeFileSync(
      join(dir, 'c.json'),
      JSON.stringify({ frameRate: 10, chroma: [[1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]] }),
    )
    const r = chordwarp(['recognize', join(dir, 'c.json'), '--model', model])
    oneLine(r)
    expect(r.stderr).toMatch(/--model needs the audio file/)
  })
})

describe.skipIf(!hasCorpus())('a detuned recording (synth10, every instrument +40 cents)', () => {
  it('the model reads chroma tuned like the templates, so it aligns as if in tune', () => {
    // the shipped model read libfmp's untuned chroma here before: majmin 0.596–0.605 (bench/align.mjs
    // --model-untuned); the chroma templates reach 0.981
    const r = chordwarp([
      'align',
      corpusPath('synth/synth10.wav'),
      '--chords-file',
      corpusPath('synth/synth10.chords.txt'),
      '--model',
      join(REPO_ROOT, 'resources/models/dchord-default.json'),
      '--no-cache',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout) as {
      emission: string
      segments: { start: number; end: number; label: string }[]
    }
    expect(j.emission).toBe('model')
    const ref = parseLab(readFileSync(corpusPath('synth/synth10.lab'), 'utf8')).segments
    expect(evaluateChords(ref, j.segments).scores.majmin).toBeGreaterThan(0.9)
  })
})

describe('chordwarp doctor', () => {
  it('reports the tfjs backend the app selects, and why others were not used', () => {
    const r = chordwarp(['doctor', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout) as {
      tfjs: {
        inUse: string
        candidate: string
        attempts: { candidate: string; ok: boolean; reason?: string }[]
      }
    }
    expect(['tensorflow', 'wasm', 'cpu']).toContain(j.tfjs.inUse)
    expect(j.tfjs.attempts.at(-1)).toMatchObject({ candidate: j.tfjs.candidate, ok: true })
    for (const a of j.tfjs.attempts.slice(0, -1)) expect(a.reason).toBeTruthy()
    const forced = JSON.parse(
      chordwarp(['doctor', '--json'], undefined, { CHORDWARP_TF_BACKEND: 'cpu' }).stdout,
    )
    expect(forced.tfjs).toMatchObject({ inUse: 'cpu', candidate: 'cpu' })
  })
})
