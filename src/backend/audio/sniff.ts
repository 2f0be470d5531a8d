/**
 * Audio format detection from the first bytes of a file, with a plain-words guess for common files
 * that are not audio (so the error can say "this is a PNG image", "this is a MIDI file").
 */

/** Formats we route to a decoder ourselves; anything else audio-decode may still recognise. */
export type SniffedFormat =
  | 'wav'
  | 'flac'
  | 'mp3'
  | 'ogg-vorbis'
  | 'ogg-opus'
  | 'ogg-flac'
  | 'mp4'
  | 'aac-adts'

export interface Sniff {
  format: SniffedFormat
  /** byte offset where the format's own data starts (after an ID3v2 tag) */
  start: number
}

const ascii = (b: Uint8Array, at: number, s: string): boolean => {
  if (at + s.length > b.length) return false
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false
  return true
}

/** Size of an ID3v2 tag at `at` (header + body + footer), or 0. */
export function id3v2Size(b: Uint8Array, at = 0): number {
  if (!ascii(b, at, 'ID3') || at + 10 > b.length) return 0
  const size =
    ((b[at + 6]! & 0x7f) << 21) |
    ((b[at + 7]! & 0x7f) << 14) |
    ((b[at + 8]! & 0x7f) << 7) |
    (b[at + 9]! & 0x7f)
  const footer = b[at + 5]! & 0x10 ? 10 : 0
  return 10 + size + footer
}

/** MPEG audio frame header at `at`: layer, version, rate and frame length, or null. */
export interface MpegHeader {
  /** 1 = MPEG-1, 2 = MPEG-2, 2.5 = MPEG-2.5 */
  version: 1 | 2 | 2.5
  layer: 1 | 2 | 3
  bitrate: number // [bit/s]
  sampleRate: number // [Hz]
  channels: 1 | 2
  /** frame length [bytes] */
  length: number
  /** samples per frame per channel */
  samples: number
}

const BITRATES: Record<string, number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
const RATES: Record<string, number[]> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
}

export function parseMpegHeader(b: Uint8Array, at: number): MpegHeader | null {
  if (at + 4 > b.length) return null
  const b1 = b[at + 1]!
  const b2 = b[at + 2]!
  if (b[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return null
  const v = (b1 >> 3) & 3
  const l = (b1 >> 1) & 3
  if (v === 1 || l === 0) return null
  const version = v === 3 ? 1 : v === 2 ? 2 : 2.5
  const layer = (4 - l) as 1 | 2 | 3
  const bi = b2 >> 4
  const si = (b2 >> 2) & 3
  if (bi === 0 || bi === 15 || si === 3) return null
  const bitrate = BITRATES[`${version === 1 ? 1 : 2}-${layer}`]![bi]! * 1000
  const sampleRate = RATES[String(version)]![si]!
  const pad = (b2 >> 1) & 1
  const channels = b[at + 3]! >> 6 === 3 ? 1 : 2
  let samples: number
  let length: number
  if (layer === 1) {
    samples = 384
    length = (Math.floor((12 * bitrate) / sampleRate) + pad) * 4
  } else {
    samples = layer === 3 && version !== 1 ? 576 : 1152
    length = Math.floor((samples / 8) * (bitrate / sampleRate)) + pad
  }
  return { version, layer, bitrate, sampleRate, channels, length, samples }
}

/**
 * Detect the format of a file from its first bytes (at least a few KB when available).
 * @returns the format, or null when it is none we route ourselves
 */
export function sniffAudio(b: Uint8Array): Sniff | null {
  if (ascii(b, 0, 'MThd')) return null // MIDI: notes, not sound
  const start = id3v2Size(b)
  const at = start
  if ((ascii(b, 0, 'RIFF') || ascii(b, 0, 'RF64') || ascii(b, 0, 'BW64')) && ascii(b, 8, 'WAVE'))
    return { format: 'wav', start: 0 }
  if (ascii(b, at, 'fLaC')) return { format: 'flac', start }
  if (ascii(b, 0, 'OggS') && b.length >= 28) {
    const segs = b[26]!
    const p = 27 + segs
    if (ascii(b, p, '\x01vorbis')) return { format: 'ogg-vorbis', start: 0 }
    if (ascii(b, p, 'OpusHead')) return { format: 'ogg-opus', start: 0 }
    if (ascii(b, p, '\x7fFLAC')) return { format: 'ogg-flac', start: 0 }
    return null
  }
  if (ascii(b, 4, 'ftyp')) return { format: 'mp4', start: 0 }
  // MPEG audio: a frame header followed by another one where its length says
  for (let i = at; i < Math.min(b.length - 4, at + 4096); i++) {
    if (b[i] !== 0xff) continue
    const h = parseMpegHeader(b, i)
    if (!h) continue
    const next = parseMpegHeader(b, i + h.length)
    if (next || i + h.length >= b.length) return { format: 'mp3', start: i }
  }
  // ADTS AAC: 12-bit sync, layer 0
  if (b[at] === 0xff && (b[at + 1]! & 0xf6) === 0xf0) return { format: 'aac-adts', start }
  return null
}

/** A guess in words for files that are not audio, for the error message; '' if none. */
export function describeNonAudio(b: Uint8Array): string {
  if (ascii(b, 0, 'MThd'))
    return 'a MIDI file (notes, not sound): render it to audio first, e.g. with FluidSynth'
  if (ascii(b, 0, '\x89PNG')) return 'a PNG image'
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'a JPEG image'
  if (ascii(b, 0, 'GIF8')) return 'a GIF image'
  if (ascii(b, 0, '%PDF')) return 'a PDF document'
  if (ascii(b, 0, 'PK\x03\x04')) return 'a ZIP archive (unpack it first)'
  if (b.length > 0) {
    let text = true
    for (let i = 0; i < Math.min(b.length, 512); i++) {
      const c = b[i]!
      if (c < 9 || (c > 13 && c < 32 && c !== 27)) {
        text = false
        break
      }
    }
    if (text) return 'a text file'
  }
  return ''
}
