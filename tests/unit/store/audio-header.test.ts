/**
 * probeAudioHeader: duration and rate from headers only, checked against an independent reference:
 * the number of samples ffmpeg decodes (generated clips), and the corpus manifest's `duration_s`.
 */
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { probeAudioHeader } from '../../../src/backend/store'
import { corpusPath, hasCorpus, loadManifest } from '../../helpers/corpus'
import { tempDir } from '../../helpers/store'

let dir: string
beforeAll(() => {
  dir = tempDir('cw-hdr-')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** RIFF chunk: id, little-endian size, body, pad byte when odd. */
function chunk(id: string, body: Buffer): Buffer {
  const h = Buffer.alloc(8)
  h.write(id, 0, 'latin1')
  h.writeUInt32LE(body.length, 4)
  return Buffer.concat([h, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)])
}

function wav(
  frames: number,
  rate: number,
  channels: number,
  bits: number,
  extra: Buffer[] = [],
  truncate = 0,
): Buffer {
  const fmt = Buffer.alloc(16)
  fmt.writeUInt16LE(1, 0)
  fmt.writeUInt16LE(channels, 2)
  fmt.writeUInt32LE(rate, 4)
  fmt.writeUInt32LE((rate * channels * bits) / 8, 8)
  fmt.writeUInt16LE((channels * bits) / 8, 12)
  fmt.writeUInt16LE(bits, 14)
  const data = chunk('data', Buffer.alloc((frames * channels * bits) / 8, 1))
  const body = Buffer.concat([Buffer.from('WAVE'), ...extra, chunk('fmt ', fmt), data])
  const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), body])
  riff.writeUInt32LE(body.length, 4)
  return truncate ? riff.subarray(0, riff.length - truncate) : riff
}

describe('WAV', () => {
  test('chunks before fmt (odd-sized LIST) are skipped; frames = data bytes / block align', () => {
    const f = join(dir, 'a.wav')
    writeFileSync(
      f,
      wav(33075, 44100, 2, 24, [chunk('LIST', Buffer.from('INFOabc')), chunk('junk', Buffer.alloc(3))]),
    )
    expect(probeAudioHeader(f)).toEqual({
      format: 'wav',
      sampleRate: 44100,
      channels: 2,
      durationS: 0.75,
      exact: true,
    })
  })
  test('a truncated file reports the samples that are there', () => {
    const f = join(dir, 'b.wav')
    writeFileSync(f, wav(22050, 22050, 1, 16, [], 2 * 11025))
    expect(probeAudioHeader(f)!.durationS).toBe(0.5)
  })
})

test('files that are no audio give null; a missing file throws', () => {
  const f = join(dir, 'x.mp3')
  writeFileSync(f, Buffer.from('this is a text file pretending to be an mp3, with no frame sync at all'))
  expect(probeAudioHeader(f)).toBeNull()
  writeFileSync(f, Buffer.alloc(0))
  expect(probeAudioHeader(f)).toBeNull()
  expect(() => probeAudioHeader(join(dir, 'missing.wav'))).toThrow(/ENOENT/)
})

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0
describe.skipIf(!hasFfmpeg)('compressed formats against the samples ffmpeg decodes', () => {
  const cases: [string, string[], number][] = [
    ['flac', [], 22050],
    ['mp3', ['-c:a', 'libmp3lame', '-b:a', '96k'], 22050],
    ['ogg', ['-c:a', 'libvorbis'], 22050],
    ['opus', ['-c:a', 'libopus', '-ar', '48000'], 48000],
  ]
  for (const [ext, args, rate] of cases)
    test(ext, () => {
      const f = join(dir, `tone.${ext}`)
      const make = spawnSync('ffmpeg', [
        ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=22050:duration=2.3456'],
        ...['-ac', '1', ...args, f],
      ])
      expect(make.status, String(make.stderr)).toBe(0)
      const pcm = spawnSync('ffmpeg', ['-v', 'error', '-i', f, '-f', 's16le', '-ac', '1', '-'], {
        maxBuffer: 1 << 26,
      })
      const decoded = pcm.stdout.length / 2
      const h = probeAudioHeader(f)!
      expect(h.format).toBe(ext)
      expect(h.sampleRate).toBe(rate)
      expect(h.exact).toBe(true)
      expect(Math.round(h.durationS! * rate)).toBe(decoded)
    })
})

describe.skipIf(!hasCorpus())('corpus audio (wav, flac, mp3, ogg) against the manifest', () => {
  test('every item: same sample rate, duration within one sample', () => {
    for (const it of loadManifest()) {
      const h = probeAudioHeader(corpusPath(it.audio))!
      expect(h, it.id).not.toBeNull()
      expect(h.sampleRate, it.id).toBe(it.sample_rate)
      expect(Math.abs(h.durationS! - it.duration_s), it.id).toBeLessThan(1 / it.sample_rate)
    }
  })
})
