/**
 * File decoding against ffmpeg: every format decodes with ffmpeg's timing (same length, lag 0), and
 * every kind of bad input gets its one-line error. Fixtures are made here with ffmpeg from a
 * synthesised signal (nothing binary is committed).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import audioDecode from 'audio-decode'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AudioDecodeError, decodeAudioFile } from '../../src/backend/audio'
import { chromaOfFile, decodeFileMono } from '../../src/backend/features'

type FlacDecoder = ((chunk?: Uint8Array) => Promise<{ channelData: Float32Array[]; sampleRate: number }>) & {
  free(): void
}

let dir = ''
const f = (name: string) => join(dir, name)

function ffmpeg(...args: string[]): void {
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args])
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`)
}

/** ffmpeg's decode of one channel as float32. */
function ffmpegPcm(path: string, channel = 0): Float32Array {
  const out = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-af', `pan=mono|c0=c${channel}`, '-f', 'f32le', '-'],
    {
      maxBuffer: 1 << 28,
    },
  )
  return new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4)
}

async function decodeChannels(path: string): Promise<{ ch: Float32Array[]; sr: number }> {
  const parts: Float32Array[][] = []
  let sr = 0
  await decodeAudioFile(path, (c, rate) => {
    parts.push(c.map((x) => x.slice()))
    sr = rate
  })
  const C = Math.max(...parts.map((p) => p.length))
  const ch = Array.from({ length: C }, (_, c) => {
    const n = parts.reduce((a, p) => a + p[0]!.length, 0)
    const out = new Float32Array(n)
    let o = 0
    for (const p of parts) {
      out.set(p[Math.min(c, p.length - 1)]!, o)
      o += p[0]!.length
    }
    return out
  })
  return { ch, sr }
}

/** Lag in [−L, L] maximising the cross-correlation of a against b (a[i + lag] ~ b[i]). */
function bestLag(a: Float32Array, b: Float32Array, L: number): number {
  let best = Number.NEGATIVE_INFINITY
  let lag = 0
  const from = Math.floor(b.length / 3)
  const to = Math.min(from + 20000, b.length - L)
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

/** Signal-to-difference ratio [dB]. */
function snr(a: Float32Array, b: Float32Array): number {
  let e = 0
  let p = 0
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    e += (a[i]! - b[i]!) ** 2
    p += b[i]! ** 2
  }
  return 10 * Math.log10(p / e)
}

async function expectError(path: string, kind: string, words: RegExp): Promise<void> {
  const e = await decodeAudioFile(path, () => {}).then(
    () => null,
    (x: unknown) => x,
  )
  expect(e, `${path} should fail`).toBeInstanceOf(AudioDecodeError)
  const err = e as AudioDecodeError
  expect(err.kind).toBe(kind)
  expect(err.userError).toBe(true)
  expect(err.message).toMatch(words)
  expect(err.message.split('\n')).toHaveLength(1)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-decode-'))
  // 3 s stereo source at 44.1 kHz: chords in the left channel, a quieter melody in the right
  const src =
    'aevalsrc=0.3*sin(2*PI*220*t)+0.2*sin(2*PI*277.2*t)+0.1*sin(2*PI*329.6*t)|0.2*sin(2*PI*523.3*t*(1+0.01*sin(3*t))):s=44100:d=3'
  ffmpeg('-f', 'lavfi', '-i', src, '-c:a', 'pcm_s16le', f('src.wav'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'pcm_s24le', f('s24.wav'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'pcm_f32le', f('f32.wav'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'pcm_u8', f('u8.wav'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'pcm_mulaw', f('mulaw.wav'))
  ffmpeg('-i', f('src.wav'), '-ar', '48000', f('48k.wav'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'flac', f('x.flac'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'libmp3lame', '-b:a', '192k', f('x.mp3'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'libmp3lame', '-b:a', '128k', '-write_xing', '0', f('noxing.mp3'))
  ffmpeg('-i', f('src.wav'), '-ac', '1', '-ar', '22050', '-c:a', 'libmp3lame', '-b:a', '96k', f('mono22.mp3'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'libvorbis', '-q:a', '5', f('x.ogg'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'libopus', f('x.opus'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'aac', '-b:a', '160k', f('x.m4a'))
  ffmpeg('-i', f('src.wav'), '-c:a', 'alac', f('alac.m4a'))
  ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=22050:cl=mono', '-t', '2', f('silent.wav'))
  ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=22050:cl=mono', '-t', '0', f('zero.wav'))
  ffmpeg('-i', f('src.wav'), '-ar', '8000', '-ac', '1', '-c:a', 'adpcm_g726', '-b:a', '32k', f('g726.wav'))
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=d=1:s=64x64', '-c:v', 'mpeg4', f('video.mp4'))
  // phase-inverted stereo: cancels when mixed to mono
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'aevalsrc=0.5*sin(2*PI*440*t)|-0.5*sin(2*PI*440*t):s=22050:d=1',
    f('inverted.wav'),
  )
  for (const name of [
    'src.wav',
    'f32.wav',
    'x.flac',
    'x.mp3',
    'noxing.mp3',
    'x.ogg',
    'x.opus',
    'x.m4a',
    'alac.m4a',
  ]) {
    const b = readFileSync(f(name))
    writeFileSync(f(`cut-${name}`), b.subarray(0, Math.floor(b.length * 0.6)))
  }
  // an MP3 cut exactly after a frame: only its LAME tag's sample count can tell
  const mp3 = readFileSync(f('mono22.mp3'))
  writeFileSync(f('cut-frame.mp3'), mp3.subarray(0, frameBoundary(mp3, 0.5)))
  writeFileSync(f('empty.mp3'), '')
  writeFileSync(f('notes.txt.mp3'), 'C G Am F\n')
  writeFileSync(
    f('song.mid'),
    Buffer.from('MThd\0\0\0\x06\0\0\0\x01\0\x60MTrk\0\0\0\x04\0\xff\x2f\0', 'latin1'),
  )
  writeFileSync(f('header-only.wav'), readFileSync(f('src.wav')).subarray(0, 30))
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Byte offset of the first MPEG frame boundary after `fraction` of the file (walks frame headers). */
function frameBoundary(b: Buffer, fraction: number): number {
  let o = b.indexOf(
    Buffer.from([0xff]),
    b[0] === 0x49 ? 10 + ((b[6]! << 21) | (b[7]! << 14) | (b[8]! << 7) | b[9]!) : 0,
  )
  const rates = [22050, 24000, 16000]
  const kbps = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
  while (o < b.length * fraction) {
    const br = kbps[b[o + 2]! >> 4]! * 1000
    const sr = rates[(b[o + 2]! >> 2) & 3]!
    o += Math.floor((72 * br) / sr) + ((b[o + 2]! >> 1) & 1)
  }
  return o
}

describe('decoding matches ffmpeg', () => {
  test.each([
    ['src.wav', 'wav (pcm 16-bit)', 200],
    ['s24.wav', 'wav (pcm 24-bit)', 200],
    ['f32.wav', 'wav (float 32-bit)', 200],
    ['u8.wav', 'wav (pcm 8-bit)', 200],
    ['mulaw.wav', 'wav (format tag 7)', 200],
    ['48k.wav', 'wav (pcm 16-bit)', 200],
    ['x.flac', 'flac', 200],
    ['alac.m4a', 'mp4', 200],
    ['x.mp3', 'mp3', 100],
    ['noxing.mp3', 'mp3', 100],
    ['mono22.mp3', 'mp3', 100],
    ['x.ogg', 'ogg-vorbis', 100],
    ['x.opus', 'ogg-opus', 80],
    // AAC: FAAD2 here, ffmpeg's own decoder there: same timing, slightly different rounding
    ['x.m4a', 'mp4', 35],
  ])('%s (%s): same length, lag 0, SNR ≥ %i dB per channel', async (name, format, minSnr) => {
    const { ch, sr } = await decodeChannels(f(name))
    const info = await decodeAudioFile(f(name), () => {})
    expect(info.format).toBe(format)
    expect(info.sampleRate).toBe(sr)
    for (let c = 0; c < ch.length; c++) {
      const ref = ffmpegPcm(f(name), c)
      // ffmpeg keeps AAC's end padding in M4A (it ignores the edit list's duration); we drop it
      if (name === 'x.m4a') expect(ref.length - ch[c]!.length).toBeLessThan(2048)
      else expect(ch[c]!.length).toBe(ref.length)
      expect(bestLag(ch[c]!, ref, 2200)).toBe(0)
      expect(snr(ch[c]!, ref)).toBeGreaterThan(minSnr)
    }
  })

  test('MP3 gapless: the LAME tag is read like ffmpeg reads it (encoder delay + 529, padding)', async () => {
    const info = await decodeAudioFile(f('mono22.mp3'), () => {})
    const m = info.mp3!
    expect(m.encoder).toMatch(/^(LAME|Lavf|Lavc)/)
    expect(m.encoderDelay).toBeGreaterThan(0)
    expect(m.expectedSamples).toBe(m.frames! * m.samplesPerFrame - m.encoderDelay! - m.encoderPadding!)
    expect(info.samples).toBe(m.expectedSamples)
    expect(info.samples).toBe(ffmpegPcm(f('mono22.mp3')).length)
  })

  test('a FLAC whose last frame the streaming codec drops at its flush still decodes whole', async () => {
    // audio-decode's streaming FLAC decoder can lose the final frame at its flush, depending on where
    // the chunks fall (seen on sox-written files: 1280 of 5317888 samples). Simulate exactly that
    // (the flush returns all but its last frame) and check the decoder recovers the samples from the
    // file's tail, bit for bit, and that a file really cut short is still called truncated.
    const r = spawnSync('sox', [
      '-n',
      '-r',
      '22050',
      '-c',
      '1',
      '-b',
      '16',
      f('sox.flac'),
      'synth',
      '12',
      'pinknoise',
    ])
    expect(r.status).toBe(0)
    const ref = ffmpegPcm(f('sox.flac'))
    const codecs = audioDecode as unknown as Record<string, () => Promise<FlacDecoder>>
    const real = codecs.flac!
    let dropped = 0
    codecs.flac = async () => {
      const dec = await real()
      const wrapped = (async (chunk?: Uint8Array) => {
        const out = await dec(chunk)
        if (chunk !== undefined || !dropped) return out
        const n = out.channelData[0]?.length ?? 0
        expect(n).toBeGreaterThan(dropped) // the flush holds the last frames of a multi-chunk file
        return { ...out, channelData: out.channelData.map((c) => c.subarray(0, n - dropped)) }
      }) as FlacDecoder
      wrapped.free = () => dec.free()
      return wrapped
    }
    try {
      dropped = 1024
      const { ch } = await decodeChannels(f('sox.flac'))
      expect(ch[0]!.length).toBe(ref.length)
      let diff = 0
      for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(ch[0]![i]! - ref[i]!))
      expect(diff).toBe(0)
      const bytes = readFileSync(f('sox.flac'))
      writeFileSync(f('sox-cut.flac'), bytes.subarray(0, bytes.length - 3000))
      dropped = 0
      await expect(decodeAudioFile(f('sox-cut.flac'), () => {})).rejects.toMatchObject({ kind: 'truncated' })
    } finally {
      codecs.flac = real
    }
  })

  test('the analysis-rate PCM (mono, 22050 Hz) equals ffmpeg + soxr resampling within −60 dB', async () => {
    const { pcm, sampleRate } = await decodeFileMono(f('src.wav'), 22050)
    expect(sampleRate).toBe(22050)
    // mono as librosa makes it (mean of the channels; ffmpeg's -ac 1 would scale by 1/√2)
    const mix = 'pan=mono|c0=0.5*c0+0.5*c1,aresample=22050:resampler=soxr:precision=28'
    const out = execFileSync('ffmpeg', ['-v', 'error', '-i', f('src.wav'), '-af', mix, '-f', 'f32le', '-'])
    const ref = new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4)
    expect(Math.abs(pcm.length - ref.length)).toBeLessThanOrEqual(1)
    expect(bestLag(pcm, ref, 50)).toBe(0)
    expect(snr(pcm, ref)).toBeGreaterThan(60)
  })
})

describe('bad input: one line each', () => {
  test.each([
    ['missing.wav', 'unreadable', /no such file/],
    ['empty.mp3', 'empty', /is empty \(0 bytes\)/],
    ['zero.wav', 'empty', /no audio samples \(zero length\)/],
    ['notes.txt.mp3', 'not-audio', /not an audio file \(it looks like a text file\)/],
    ['song.mid', 'not-audio', /is not an audio file: it is a MIDI file.*render it to audio/],
    ['g726.wav', 'unsupported', /codec that cannot be decoded/],
    ['video.mp4', 'unsupported', /no audio track/],
    ['header-only.wav', 'truncated', /truncated/],
    ['cut-src.wav', 'truncated', /truncated: the WAV header promises \d+ bytes/],
    ['cut-f32.wav', 'truncated', /truncated/],
    ['cut-x.flac', 'truncated', /truncated: its header promises \d+ samples/],
    ['cut-x.mp3', 'truncated', /truncated: its last MP3 frame is cut/],
    ['cut-noxing.mp3', 'truncated', /truncated: its last MP3 frame is cut/],
    ['cut-frame.mp3', 'truncated', /truncated: its header promises \d+ samples/],
    ['cut-x.ogg', 'truncated', /truncated: its last Ogg page/],
    ['cut-x.opus', 'truncated', /truncated: its last Ogg page/],
    ['cut-x.m4a', 'truncated', /truncated: its MP4 box 'mdat'/],
    ['cut-alac.m4a', 'truncated', /truncated/],
  ])('%s → %s', async (name, kind, words) => {
    await expectError(f(name), kind, words)
  })

  test('a folder is not an audio file', async () => {
    await expectError(dir, 'unreadable', /is a folder/)
  })

  test('silence and phase-cancelling channels are rejected by chromaOfFile, accepted on request', async () => {
    for (const [name, words] of [
      ['silent.wav', /is silent \(all zeros\)/],
      ['inverted.wav', /channels cancel out when mixed to mono/],
    ] as const) {
      const e = await chromaOfFile(f(name)).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(AudioDecodeError)
      expect((e as AudioDecodeError).kind).toBe('silent')
      expect((e as Error).message).toMatch(words)
    }
    const c = await chromaOfFile(f('silent.wav'), { pipeline: 'fmp', norm: 'l2' }, { silenceDb: null })
    expect(c.frames).toBe(1 + Math.floor(44100 / 2048))
  })
})
