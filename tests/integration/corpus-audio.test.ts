/**
 * The dev corpus (../shared/data): every item decodes to its manifest duration (within one sample);
 * every MP3 decodes with ffmpeg's gapless timing (same length, cross-correlation lag 0, not the 1105
 * samples a decoder ignoring the LAME tag would add); one item per format gives chroma covering it.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { decodeAudioFile } from '../../src/backend/audio'
import { chromaOfFile } from '../../src/backend/features'
import { corpusPath, hasCorpus, loadManifest } from '../helpers/corpus'

const corpus = hasCorpus()
const items = corpus ? loadManifest() : []

async function decodeMono(path: string): Promise<{ pcm: Float32Array; rate: number }> {
  const parts: Float32Array[] = []
  let rate = 0
  await decodeAudioFile(path, (ch, sr) => {
    parts.push(ch[0]!.slice())
    rate = sr
  })
  const n = parts.reduce((a, p) => a + p.length, 0)
  const pcm = new Float32Array(n)
  let o = 0
  for (const p of parts) {
    pcm.set(p, o)
    o += p.length
  }
  return { pcm, rate }
}

/** Lag d in [−L, L] maximising Σ a[i + d]·b[i] over 2 s of music in the middle. */
function bestLag(a: Float32Array, b: Float32Array, L: number): number {
  let best = Number.NEGATIVE_INFINITY
  let lag = 0
  const from = Math.floor(b.length / 2)
  const to = Math.min(from + 44100, b.length - L)
  for (let d = -L; d <= L; d++) {
    let s = 0
    for (let i = from; i < to; i++) s += (a[i + d] ?? 0) * b[i]!
    if (s > best) {
      best = s
      lag = d
    }
  }
  return lag
}

describe.skipIf(!corpus)('dev corpus audio', () => {
  test('all items decode to their manifest duration (±1 sample) and rate', async () => {
    expect(items.length).toBe(40)
    const formats = new Set<string>()
    for (const it of items) {
      const info = await decodeAudioFile(corpusPath(it.audio), () => {})
      formats.add(info.format.split(' ')[0]!)
      expect(info.sampleRate, it.id).toBe(it.sample_rate)
      expect(Math.abs(info.samples / info.sampleRate - it.duration_s), it.id).toBeLessThanOrEqual(
        1 / info.sampleRate,
      )
      expect(info.peak, it.id).toBeGreaterThan(0.5)
    }
    expect([...formats].sort()).toEqual(['flac', 'mp3', 'ogg-vorbis', 'wav'])
  })

  test('every MP3 matches ffmpeg sample for sample in timing (length, lag 0)', async () => {
    const mp3s = items.filter((it) => it.audio.endsWith('.mp3'))
    expect(mp3s.length).toBeGreaterThanOrEqual(27)
    for (const [k, it] of mp3s.entries()) {
      const path = corpusPath(it.audio)
      const { pcm } = await decodeMono(path)
      const out = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ac', '1', '-'], {
        maxBuffer: 1 << 28,
      })
      const ref = new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4)
      expect(pcm.length, it.id).toBe(ref.length)
      // aligned waveforms: a shift of even one sample would leave a difference within ~20 dB of the music
      let e = 0
      let p = 0
      for (let i = 0; i < ref.length; i++) {
        e += (pcm[i]! - ref[i]!) ** 2
        p += ref[i]! ** 2
      }
      expect(10 * Math.log10(p / e), it.id).toBeGreaterThan(60)
      // the cross-correlation peak, on every sixth file (it costs ~1 s each): ±1200 samples covers the
      // 1105-sample offset of a decoder that ignores the LAME tag
      if (k % 6 === 0) expect(bestLag(pcm, ref, 1200), it.id).toBe(0)
    }
  })

  test('chroma of one item per format covers the audio exactly (both pipelines)', async () => {
    for (const id of ['synth01', 'synth04', 'synth05', 'synth03', 'pop909-001']) {
      const it = items.find((x) => x.id === id)!
      const n = Math.round(it.duration_s * it.sample_rate)
      for (const pipeline of ['fmp', 'align'] as const) {
        const c = await chromaOfFile(corpusPath(it.audio), { pipeline })
        expect(c.sampleRate).toBe(22050)
        // centred frames: T = 1 + ⌊n/hop⌋, the last centre inside the audio, one hop from its end at most
        expect(c.frames, `${id} ${pipeline}`).toBe(1 + Math.floor(n / c.hopSize))
        const lastCentre = (c.frames - 1) / c.frameRate
        expect(lastCentre).toBeLessThanOrEqual(it.duration_s)
        expect(it.duration_s - lastCentre).toBeLessThan(1 / c.frameRate)
        expect(c.data.every(Number.isFinite)).toBe(true)
        if (pipeline === 'align') expect(Math.abs(c.tuningCents)).toBeLessThan(5)
      }
    }
  })
})
