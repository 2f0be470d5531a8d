/**
 * The chroma models are trained on (`src/backend/training/chroma.ts`): `seed` is libfmp's untuned `fmp`
 * chroma; `tuned` is the same pipeline at the recording's estimated tuning — the estimate of the `align`
 * chroma, so a model trains on what it reads when it aligns. The corpus's synth10 (+40 cents) against
 * the same MIDI rendered in tune (tests/fixtures/audio/synth10-intune.flac).
 */
import { describe, expect, test } from 'vitest'
import { chromaOfFile } from '../../../src/backend/features'
import { defaultChromaSource } from '../../../src/backend/training/chroma'
import { corpusPath, hasCorpus, REPO_ROOT } from '../../helpers/corpus'

type Raw = { data: Float32Array; frames: number }

/** Mean cosine similarity of two raw chroma sequences over the frames where `b` sounds. */
function meanCosine(a: Raw, b: Raw): { cos: number; frames: number } {
  const T = Math.min(a.frames, b.frames)
  let s = 0
  let n = 0
  for (let t = 0; t < T; t++) {
    let ab = 0
    let aa = 0
    let bb = 0
    for (let i = 0; i < 12; i++) {
      const x = a.data[12 * t + i]!
      const y = b.data[12 * t + i]!
      ab += x * y
      aa += x * x
      bb += y * y
    }
    if (bb < 1e-8 || aa < 1e-8) continue
    s += ab / Math.sqrt(aa * bb)
    n++
  }
  return { cos: s / n, frames: n }
}

describe.skipIf(!hasCorpus())('training chroma', () => {
  const detuned = corpusPath('synth/synth10.wav')
  const inTune = `${REPO_ROOT}/tests/fixtures/audio/synth10-intune.flac`

  test('tuned fmp chroma uses the align chroma’s tuning estimate', async () => {
    const fmp = await chromaOfFile(detuned, { pipeline: 'fmp', tuning: 'auto' })
    const align = await chromaOfFile(detuned, { pipeline: 'align' })
    expect(align.tuningCents).toBeGreaterThan(35) // data/README.md: +40 cents, measured +37
    expect(fmp.tuningCents).toBe(align.tuningCents)
    expect((await chromaOfFile(detuned, { pipeline: 'fmp' })).tuningCents).toBe(0)
  })

  test('a detuned recording trains on the chroma of its in-tune rendering only when tuned', async () => {
    const reference = await defaultChromaSource(false, 'seed')(inTune)
    const tuned = meanCosine(await defaultChromaSource(false, 'tuned')(detuned), reference)
    const seed = meanCosine(await defaultChromaSource(false, 'seed')(detuned), reference)
    console.log(
      `[training-chroma] synth10 vs its in-tune render, mean cosine over ${tuned.frames} frames: tuned ${tuned.cos.toFixed(4)}, seed ${seed.cos.toFixed(4)}`,
    )
    expect(tuned.frames).toBeGreaterThan(150)
    expect(tuned.cos).toBeGreaterThan(0.95)
    expect(tuned.cos).toBeGreaterThan(seed.cos + 0.05)
  })
})
