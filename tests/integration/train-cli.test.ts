/** `chordwarp train` and `chordwarp experiment` as a user runs them: bad input gives one line and exit 1. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { chordwarp } from '../helpers/cli'
import { corpusPath, hasCorpus, loadManifest } from '../helpers/corpus'

function oneLineError(r: { code: number | null; stdout: string; stderr: string }, text: string | RegExp) {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  if (typeof text === 'string') expect(lines[0]).toContain(text)
  else expect(lines[0]).toMatch(text)
}

describe('chordwarp train: bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-train-'))
  const manifest = join(dir, 'manifest.json')
  writeFileSync(manifest, JSON.stringify({ items: [] }))
  test('unknown values name the flag and the valid ones', () => {
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--loss', 'mse']),
      '--loss must be one of bce, cce, sdtw, sdtw-div, ctc, got "mse"',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--gamma', '0']),
      '--gamma must be a number > 0, got "0"',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--gamma-schedule', '10:10']),
      '--gamma-schedule must be start:holdEpochs:end:decayEpochs',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--batch', 'some']),
      '--batch must be an integer ≥ 1 or "all"',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--preset', 'fast']),
      '--preset must be one of paper, author, stabilised',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--backend', 'gpu']),
      'unknown tfjs backend "gpu"',
    )
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '--features', 'raw']),
      '--features must be tuned or seed, got "raw"',
    )
  })
  test('a missing manifest is named', () => {
    oneLineError(
      chordwarp(['train', '--manifest', join(dir, 'nope.json'), '--epochs', '1', '-o', join(dir, 'm.json')]),
      /manifest not found: .*nope\.json/,
    )
  })
  test('never overwrites a model file without --force', () => {
    const out = join(dir, 'exists.json')
    writeFileSync(out, '{}')
    oneLineError(
      chordwarp(['train', '--manifest', manifest, '-o', out]),
      `${out} exists; choose another --out or pass --force`,
    )
  })
})

describe('chordwarp experiment seed-table: bad input', () => {
  test('unknown configuration ids and bad seeds are named', () => {
    oneLineError(
      chordwarp(['experiment', 'seed-table', '--only', 'bce,mse']),
      '--only: unknown configuration "mse"',
    )
    oneLineError(
      chordwarp(['experiment', 'seed-table', '--seeds', 'a,b']),
      '--seeds must be integers like 0,1,2, got "a,b"',
    )
  })
})

describe.skipIf(!hasCorpus())('chordwarp train on real audio (3 synth clips)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-train-real-'))
  const items = loadManifest().filter((i) => ['synth01', 'synth02', 'synth06'].includes(i.id))
  const split = { synth01: 'train', synth02: 'val', synth06: 'test' } as Record<string, string>
  const manifest = join(dir, 'manifest.json')
  writeFileSync(
    manifest,
    JSON.stringify({
      items: items.map((i) => ({
        ...i,
        audio: corpusPath(i.audio),
        lab: corpusPath(i.lab),
        chords: corpusPath(i.chords),
        split: split[i.id],
      })),
    }),
  )
  const env = { CHORDWARP_CACHE_DIR: join(dir, 'cache') }

  test('BCE: saves a model file with metrics and the corpus fingerprint; --json prints one object', () => {
    const out = join(dir, 'bce.json')
    const r = chordwarp(
      [
        'train',
        '--manifest',
        manifest,
        '--loss',
        'bce',
        '--epochs',
        '3',
        '--backend',
        'wasm',
        '-o',
        out,
        '--json',
        '--quiet',
      ],
      undefined,
      env,
    )
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout)
    expect(summary).toMatchObject({ out, cancelled: false, epochsRun: 3, paramCount: 25, backend: 'wasm' })
    expect(summary.counts.testSongs).toBe(1)
    expect(summary.testSongsF).toBeGreaterThan(0.3)
    const file = JSON.parse(readFileSync(out, 'utf8'))
    expect(file.format).toBe('chordwarp-model')
    expect(file.corpus.fingerprint).toMatch(/^sha256:/)
    expect(file.corpus.items).toEqual({ train: ['synth01'], val: ['synth02'], test: ['synth06'] })
    expect(file.corpus.features).toBe('tuned') // the default: chroma at each recording's tuning estimate
    expect(file.training.options.loss).toBe('bce')
    expect(file.training.trainLoss).toHaveLength(3)
    expect(file.metrics.testSongsF).toBe(summary.testSongsF)
  })

  test('soft-DTW from typed sequences only (--targets chords), with a preset and progress lines on stderr', () => {
    const out = join(dir, 'typed.json')
    const r = chordwarp(
      [
        'train',
        '--manifest',
        manifest,
        '--targets',
        'chords',
        '--preset',
        'stabilised',
        '--pad',
        'none',
        '--epochs',
        '3',
        '--features',
        'seed',
        '-o',
        out,
      ],
      undefined,
      env,
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^saved .*typed\.json: best epoch \d\/3/)
    expect(r.stderr).toMatch(/tfjs backend: /)
    expect(r.stderr).toMatch(/epoch 3\/3 train/)
    const file = JSON.parse(readFileSync(out, 'utf8'))
    expect(file.training.options.gammaSchedule).toEqual({
      start: 10,
      holdEpochs: 10,
      end: 0.1,
      decayEpochs: 10,
    })
    expect(file.training.engine).toMatch(/^dtw:/)
    expect(file.training.counts.train).toBe(1) // one whole recording
    expect(file.corpus.features).toBe('seed') // libfmp's untuned chroma, as asked
  })
})

describe.skipIf(!hasCorpus())('chordwarp train: step size by model kind', () => {
  test('--model conv trains at α 0.003 under a preset; --lr still wins; --loss sdtw-div trains', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-train-lr-'))
    const it = loadManifest().find((i) => i.id === 'synth01')!
    const manifest = join(dir, 'manifest.json')
    const item = {
      ...it,
      audio: corpusPath(it.audio),
      lab: corpusPath(it.lab),
      chords: corpusPath(it.chords),
    }
    writeFileSync(manifest, JSON.stringify({ items: [{ ...item, split: 'train' }] }))
    const env = { CHORDWARP_CACHE_DIR: join(dir, 'cache') }
    const run = (extra: string[], out: string) => {
      const r = chordwarp(
        ['train', '--manifest', manifest, '--loss', 'bce', '--epochs', '1', '--quiet', '-o', out, ...extra],
        undefined,
        env,
      )
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(readFileSync(out, 'utf8'))
    }
    const conv = run(['--preset', 'paper', '--model', 'conv'], join(dir, 'conv.json'))
    expect(conv.training.options.learningRate).toBe(0.003)
    expect(conv.paramCount).toBe(2153)
    const own = run(['--model', 'conv', '--lr', '0.01'], join(dir, 'own.json'))
    expect(own.training.options.learningRate).toBe(0.01)
    // the soft-DTW divergence trains through the same path, on the typed chord order
    const div = run(['--loss', 'sdtw-div', '--targets', 'chords'], join(dir, 'div.json'))
    // typed whole recordings without --pad: the chord order unfolded over the frames
    expect(div.training.options).toMatchObject({ loss: 'sdtw-div', learningRate: 0.1, pad: 'unfold' })
    expect(div.training.trainLoss[0]).toBeGreaterThan(0)
  })
})

describe('chordwarp doctor', () => {
  test('reports the tfjs backend training selects and why earlier candidates failed', () => {
    const r = chordwarp(['doctor', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const t = JSON.parse(r.stdout).tfjs
    expect(t.attempts.at(-1).candidate).toBe(t.candidate)
    expect(t.inUse).toBe(['node', 'node-gpu'].includes(t.candidate) ? 'tensorflow' : t.candidate)
    expect(t.attempts.at(-1).ok).toBe(true)
    for (const a of t.attempts.slice(0, -1)) expect(a.reason).toBeTruthy()
    expect(chordwarp(['doctor']).stdout).toMatch(/^tfjs: (wasm|cpu|node|node-gpu)/m)
  })
})
