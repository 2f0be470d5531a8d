/**
 * Duration and sample rate from an audio file's header, without decoding: WAV (RIFF/RF64), FLAC
 * (STREAMINFO), Ogg Vorbis/Opus (identification header + last page's granule position) and MP3
 * (Xing/Info/VBRI frame count and the LAME encoder delay/padding, i.e. the gapless length ffmpeg
 * decodes; a CBR file without such a header gets an estimate from its size and bitrate). Reads at
 * most a few hundred kilobytes of any file. Decoding lives in src/backend/audio.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg' | 'opus'

export interface AudioHeader {
  format: AudioFormat
  /** [Hz], as decoded */
  sampleRate: number | null
  channels: number | null
  /** [seconds]; null when the header does not say */
  durationS: number | null
  /** false when `durationS` is an estimate (MP3 without a Xing/VBRI header) */
  exact: boolean
}

/** Files the importer treats as audio, by extension. */
export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.flac', '.mp3', '.ogg', '.oga', '.opus']

class Reader {
  readonly fd: number
  readonly size: number
  constructor(path: string) {
    this.fd = openSync(path, 'r')
    this.size = fstatSync(this.fd).size
  }
  read(pos: number, len: number): Buffer {
    const n = Math.max(0, Math.min(len, this.size - pos))
    const b = Buffer.alloc(n)
    if (n > 0) readSync(this.fd, b, 0, n, pos)
    return b
  }
  close(): void {
    closeSync(this.fd)
  }
}

/** Probe `path`; null when the bytes are none of the formats above. Throws fs errors (ENOENT…). */
export function probeAudioHeader(path: string): AudioHeader | null {
  const r = new Reader(path)
  try {
    const head = r.read(0, 12)
    const tag = head.toString('latin1', 0, 4)
    if ((tag === 'RIFF' || tag === 'RF64') && head.toString('latin1', 8, 12) === 'WAVE')
      return probeWav(r, tag)
    if (tag === 'OggS') return probeOgg(r)
    const start = skipId3v2(r)
    const at = r.read(start, 4)
    if (at.toString('latin1') === 'fLaC') return probeFlac(r, start)
    return probeMp3(r, start)
  } finally {
    r.close()
  }
}

function probeWav(r: Reader, riff: string): AudioHeader | null {
  let pos = 12
  let rate: number | null = null
  let channels: number | null = null
  let blockAlign = 0
  let ds64Data: number | null = null
  let dataBytes: number | null = null
  while (pos + 8 <= r.size) {
    const h = r.read(pos, 8)
    const id = h.toString('latin1', 0, 4)
    const size = h.readUInt32LE(4)
    if (id === 'fmt ') {
      const f = r.read(pos + 8, 16)
      channels = f.readUInt16LE(2)
      rate = f.readUInt32LE(4)
      blockAlign = f.readUInt16LE(12)
    } else if (id === 'ds64') {
      const d = r.read(pos + 8, 16)
      ds64Data = Number(d.readBigUInt64LE(8))
    } else if (id === 'data') {
      const avail = r.size - (pos + 8)
      dataBytes = riff === 'RF64' && size === 0xffffffff && ds64Data !== null ? ds64Data : size
      if (dataBytes > avail) dataBytes = avail // truncated file: what is there
      break
    }
    pos += 8 + size + (size & 1)
  }
  if (rate === null) return null
  const durationS =
    dataBytes !== null && blockAlign > 0 && rate > 0 ? Math.floor(dataBytes / blockAlign) / rate : null
  return { format: 'wav', sampleRate: rate, channels, durationS, exact: durationS !== null }
}

function skipId3v2(r: Reader): number {
  let pos = 0
  for (;;) {
    const h = r.read(pos, 10)
    if (h.length < 10 || h.toString('latin1', 0, 3) !== 'ID3') return pos
    const size = ((h[6]! & 0x7f) << 21) | ((h[7]! & 0x7f) << 14) | ((h[8]! & 0x7f) << 7) | (h[9]! & 0x7f)
    pos += 10 + size + (h[5]! & 0x10 ? 10 : 0)
  }
}

function probeFlac(r: Reader, start: number): AudioHeader | null {
  const b = r.read(start + 4, 4 + 34)
  if (b.length < 38 || (b[0]! & 0x7f) !== 0) return null // first block must be STREAMINFO
  const s = b.subarray(4)
  const rate = (s[10]! << 12) | (s[11]! << 4) | (s[12]! >> 4)
  const channels = ((s[12]! >> 1) & 0x07) + 1
  const total = (s[13]! & 0x0f) * 2 ** 32 + s.readUInt32BE(14)
  const durationS = total > 0 && rate > 0 ? total / rate : null
  return { format: 'flac', sampleRate: rate || null, channels, durationS, exact: durationS !== null }
}

function probeOgg(r: Reader): AudioHeader | null {
  const first = r.read(0, 27 + 255)
  const nSeg = first[26]!
  const serial = first.readUInt32LE(14)
  const body = r.read(27 + nSeg, 64)
  let format: AudioFormat
  let rate: number
  let channels: number
  let preSkip = 0
  if (body.toString('latin1', 0, 7) === '\x01vorbis') {
    format = 'ogg'
    channels = body[11]!
    rate = body.readUInt32LE(12)
  } else if (body.toString('latin1', 0, 8) === 'OpusHead') {
    format = 'opus'
    channels = body[9]!
    preSkip = body.readUInt16LE(10)
    rate = 48000 // Opus always decodes at 48 kHz; granule positions count 48 kHz samples
  } else return null
  // the last page of this stream carries the total granule position
  let granule: bigint | null = null
  for (let span = 65536; granule === null && span <= 4 * 1048576; span *= 4) {
    const from = Math.max(0, r.size - span)
    const tail = r.read(from, r.size - from)
    for (let i = tail.length - 27; i >= 0; i--) {
      if (tail[i] !== 0x4f || tail.toString('latin1', i, i + 4) !== 'OggS') continue
      if (tail.readUInt32LE(i + 14) !== serial) continue
      const g = tail.readBigInt64LE(i + 6)
      if (g >= 0n) {
        granule = g
        break
      }
    }
    if (from === 0) break
  }
  const durationS = granule === null ? null : Math.max(0, Number(granule) - preSkip) / rate
  return { format, sampleRate: rate, channels, durationS, exact: durationS !== null }
}

const MP3_BITRATES: Record<string, number[]> = {
  // kbit/s by index 1..14, for [MPEG1|MPEG2] × layer
  '1-1': [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
const MP3_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
}

interface Mp3Frame {
  version: number // 3 MPEG1, 2 MPEG2, 0 MPEG2.5
  layer: number // 1..3
  bitrate: number // [bit/s]
  rate: number
  channels: number
  samples: number
  length: number // [bytes]
}

function mp3Frame(h: Buffer, i: number): Mp3Frame | null {
  if (h[i] !== 0xff || (h[i + 1]! & 0xe0) !== 0xe0) return null
  const version = (h[i + 1]! >> 3) & 3
  const layerBits = (h[i + 1]! >> 1) & 3
  const brIndex = h[i + 2]! >> 4
  const srIndex = (h[i + 2]! >> 2) & 3
  if (version === 1 || layerBits === 0 || brIndex === 0 || brIndex === 15 || srIndex === 3) return null
  const layer = 4 - layerBits
  const padding = (h[i + 2]! >> 1) & 1
  const channels = h[i + 3]! >> 6 === 3 ? 1 : 2
  const rate = MP3_RATES[version]![srIndex]!
  const bitrate = MP3_BITRATES[`${version === 3 ? 1 : 2}-${layer}`]![brIndex - 1]! * 1000
  const samples = layer === 1 ? 384 : layer === 2 || version === 3 ? 1152 : 576
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / rate) + padding) * 4
      : Math.floor(((samples / 8) * bitrate) / rate) + padding
  return { version, layer, bitrate, rate, channels, samples, length }
}

function probeMp3(r: Reader, start: number): AudioHeader | null {
  const win = r.read(start, 256 * 1024)
  // first frame header that is followed by another valid header (avoids false syncs in junk)
  let at = -1
  let f: Mp3Frame | null = null
  for (let i = 0; i + 4 <= win.length; i++) {
    const g = mp3Frame(win, i)
    if (!g) continue
    const next = i + g.length
    if (next + 4 <= win.length && !mp3Frame(win, next)) continue
    at = i
    f = g
    break
  }
  if (!f) return null
  const frame = win.subarray(at, at + Math.max(f.length, 200))
  const side = f.version === 3 ? (f.channels === 1 ? 17 : 32) : f.channels === 1 ? 9 : 17
  const x = 4 + side
  const xtag = frame.toString('latin1', x, x + 4)
  let frames: number | null = null
  let delay = 0
  let padding = 0
  if (xtag === 'Xing' || xtag === 'Info') {
    const flags = frame.readUInt32BE(x + 4)
    let p = x + 8
    if (flags & 1) {
      frames = frame.readUInt32BE(p)
      p += 4
    }
    if (flags & 2) p += 4
    if (flags & 4) p += 100
    if (flags & 8) p += 4
    const enc = frame.toString('latin1', p, p + 4)
    if ((enc === 'LAME' || enc === 'Lavf' || enc === 'Lavc') && p + 24 <= frame.length) {
      const d = (frame[p + 21]! << 16) | (frame[p + 22]! << 8) | frame[p + 23]!
      delay = d >> 12
      padding = d & 0xfff
    }
  } else if (frame.toString('latin1', 36, 40) === 'VBRI') {
    frames = frame.readUInt32BE(36 + 14)
  }
  if (frames !== null) {
    const samples = Math.max(0, frames * f.samples - delay - padding)
    return {
      format: 'mp3',
      sampleRate: f.rate,
      channels: f.channels,
      durationS: samples / f.rate,
      exact: true,
    }
  }
  // CBR without a tag: estimate from the size of the audio data
  let end = r.size
  if (r.read(r.size - 128, 3).toString('latin1') === 'TAG') end -= 128
  const bytes = end - (start + at)
  return {
    format: 'mp3',
    sampleRate: f.rate,
    channels: f.channels,
    durationS: (bytes * 8) / f.bitrate,
    exact: false,
  }
}
