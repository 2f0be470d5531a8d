/**
 * MP3 gapless information from the Xing/Info frame and its LAME extension, read the way ffmpeg's
 * mp3 demuxer reads it (libavformat/mp3dec.c): with a LAME tag whose encoder string starts with
 * "LAME", "Lavf" or "Lavc", the decoder output is trimmed by the encoder delay + 529 samples of
 * decoder delay at the start and by the padding − 529 at the end, i.e. it keeps
 * frames·samplesPerFrame − delay − padding samples, sample 0 being the encoder's first input sample.
 * audio-decode's mpg123 decoder applies the same trimming (its gapless mode); we parse the header to
 * check the decoded length against it and to detect truncated files.
 */
import { parseMpegHeader } from './sniff'

/** The decoder delay of an MP3 (Layer III) decoder that ffmpeg and mpg123 compensate [samples]. */
export const MP3_DECODER_DELAY = 529

export interface Mp3Info {
  sampleRate: number
  channels: 1 | 2
  samplesPerFrame: number
  /** audio frames after the Xing/Info frame (from the tag), or null without a tag */
  frames: number | null
  /** bytes of audio from the tag (including the Info frame), or null */
  bytes: number | null
  /** encoder delay and padding from the LAME tag [samples], or null without one */
  encoderDelay: number | null
  encoderPadding: number | null
  /** encoder string of the LAME tag ("LAME3.100", "Lavf", …) */
  encoder: string | null
  /** samples per channel a gapless decoder returns, or null when the tag does not say */
  expectedSamples: number | null
  /** byte offset of the first frame */
  firstFrame: number
}

/**
 * Parse the first MPEG frame at `at` and its Xing/Info/VBRI tag.
 * @param b the first bytes of the file (the whole first frame must be inside)
 * @param at offset of the first frame header
 */
export function parseMp3Info(b: Uint8Array, at: number): Mp3Info | null {
  const h = parseMpegHeader(b, at)
  if (!h) return null
  const info: Mp3Info = {
    sampleRate: h.sampleRate,
    channels: h.channels,
    samplesPerFrame: h.samples,
    frames: null,
    bytes: null,
    encoderDelay: null,
    encoderPadding: null,
    encoder: null,
    expectedSamples: null,
    firstFrame: at,
  }
  const side = h.version === 1 ? (h.channels === 1 ? 17 : 32) : h.channels === 1 ? 9 : 17
  const x = at + 4 + side
  const be32 = (p: number) => ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0
  const tag = String.fromCharCode(...b.subarray(x, x + 4))
  if ((tag === 'Xing' || tag === 'Info') && x + 8 <= b.length) {
    const flags = be32(x + 4)
    let p = x + 8
    if (flags & 1) {
      info.frames = be32(p)
      p += 4
    }
    if (flags & 2) {
      info.bytes = be32(p)
      p += 4
    }
    if (flags & 4) p += 100
    if (flags & 8) p += 4
    if (p + 24 <= b.length) {
      const enc = String.fromCharCode(...b.subarray(p, p + 9)).replace(/\0+$/, '')
      if (/^(LAME|Lavf|Lavc)/.test(enc)) {
        info.encoder = enc
        const d = p + 21
        info.encoderDelay = (b[d]! << 4) | (b[d + 1]! >> 4)
        info.encoderPadding = ((b[d + 1]! & 0x0f) << 8) | b[d + 2]!
      }
    }
  } else {
    const v = at + 4 + 32
    if (String.fromCharCode(...b.subarray(v, v + 4)) === 'VBRI' && v + 18 <= b.length) {
      info.bytes = be32(v + 10)
      info.frames = be32(v + 14)
    }
  }
  if (info.frames !== null)
    info.expectedSamples =
      info.frames * info.samplesPerFrame - (info.encoderDelay ?? 0) - (info.encoderPadding ?? 0)
  return info
}
