/**
 * Decoding audio files in Node, streamed: the file is read in chunks, decoded chunk by chunk
 * (audio-decode's WASM/JS codecs, our own WAV reader) and handed on as PCM, so memory does not grow
 * with the file. Formats: WAV, FLAC, MP3, Ogg Vorbis / Opus / FLAC, M4A/MP4 (AAC, ALAC), ADTS AAC,
 * plus whatever else audio-decode recognises (AIFF, CAF, WebM, WMA, …, decoded whole).
 *
 * Timing: sample 0 is the first sample an ffmpeg decode returns. MP3 encoder delay and padding from
 * the LAME tag are removed (see mp3info.ts); M4A priming is removed by the demuxer's edit list.
 */
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import decode from 'audio-decode'
import {
  type ContainerWalker,
  flacStreamInfo,
  Mp4BoxWalker,
  MpegFrameWalker,
  OggPageWalker,
  type WalkVerdict,
} from './containers'
import { AudioDecodeError, type AudioErrorKind } from './errors'
import { type Mp3Info, parseMp3Info } from './mp3info'
import { describeNonAudio, type SniffedFormat, sniffAudio } from './sniff'
import { WavError, WavStreamDecoder } from './wav'

/** Options of `decodeAudioFile`. */
export interface DecodeOptions {
  /** bytes read per chunk; compressed formats decode to ~15× more PCM [bytes] (default 256 KiB) */
  chunkBytes: number
  /** called with the fraction of the file read so far, 0 … 1 */
  onProgress: ((fraction: number) => void) | null
}

export const defaultDecodeOptions: Readonly<DecodeOptions> = {
  chunkBytes: 256 << 10,
  onProgress: null,
}

/** What a decode found. */
export interface DecodeInfo {
  /** container/codec in words, e.g. "mp3", "ogg-vorbis", "wav (pcm 16-bit)" */
  format: string
  sampleRate: number
  /** most channels seen */
  channels: number
  /** samples per channel */
  samples: number
  /** samples / sampleRate [s] */
  duration: number
  /** largest |sample| over all channels */
  peak: number
  /** file size [bytes] */
  bytes: number
  /** the LAME/Xing information of an MP3 */
  mp3?: Mp3Info
}

/** Receives decoded PCM, one Float32Array per channel (equal lengths), in order. */
export type AudioSink = (channels: Float32Array[], sampleRate: number) => void

interface StreamDecoder {
  (chunk?: Uint8Array): Promise<{ channelData: Float32Array[]; sampleRate: number }>
  free(): void
}
type DecoderFactory = () => Promise<StreamDecoder>
const codecs = decode as unknown as Record<string, DecoderFactory | undefined>

/** audio-decode's codec name for each format we route. */
const CODEC: Record<Exclude<SniffedFormat, 'wav'>, string> = {
  flac: 'flac',
  mp3: 'mp3',
  'ogg-vorbis': 'oga',
  'ogg-opus': 'opus',
  'ogg-flac': 'flac',
  mp4: 'm4a',
  'aac-adts': 'aac',
}

const SUPPORTED = 'WAV, FLAC, MP3, Ogg Vorbis/Opus, M4A/AAC'

function fail(kind: AudioErrorKind, path: string, what: string): AudioDecodeError {
  return new AudioDecodeError(kind, path, `${basename(path)}: ${what}`)
}

/**
 * Decode an audio file, streaming its PCM to `sink`.
 * @param path file to read
 * @param sink receives the decoded PCM chunks
 * @returns the format, rate, channels, length and peak
 * @throws AudioDecodeError (one line: unreadable, empty, not audio, unsupported, truncated, corrupt)
 */
export async function decodeAudioFile(
  path: string,
  sink: AudioSink,
  options: Partial<DecodeOptions> = {},
): Promise<DecodeInfo> {
  const o = Object.assign({}, defaultDecodeOptions, options)
  let size: number
  try {
    const st = await stat(path)
    if (st.isDirectory()) throw fail('unreadable', path, 'is a folder, not an audio file')
    size = st.size
  } catch (e) {
    if (e instanceof AudioDecodeError) throw e
    const code = (e as NodeJS.ErrnoException).code
    throw fail(
      'unreadable',
      path,
      code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (e as Error).message})`,
    )
  }
  if (size === 0) throw fail('empty', path, 'is empty (0 bytes)')

  const info: DecodeInfo = {
    format: '',
    sampleRate: 0,
    channels: 0,
    samples: 0,
    duration: 0,
    peak: 0,
    bytes: size,
  }
  const accept: AudioSink = (channels, sampleRate) => {
    const n = channels[0]?.length ?? 0
    if (n === 0) return
    if (info.sampleRate === 0) info.sampleRate = sampleRate
    else if (sampleRate !== info.sampleRate)
      throw fail(
        'unsupported',
        path,
        `changes sample rate mid-stream (${info.sampleRate} → ${sampleRate} Hz)`,
      )
    info.channels = Math.max(info.channels, channels.length)
    let peak = info.peak
    for (const ch of channels)
      for (let i = 0; i < n; i++) {
        const a = Math.abs(ch[i]!)
        if (a > peak) peak = a
      }
    info.peak = peak
    info.samples += n
    sink(channels, sampleRate)
  }

  const stream = createReadStream(path, { highWaterMark: o.chunkBytes })
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  try {
    // gather enough for sniffing and for the MP3 header (ID3v2 tags with cover art can be large)
    let head = new Uint8Array(0)
    const pending: Uint8Array[] = []
    let eof = false
    const want = (n: number) => head.length >= Math.min(n, size)
    const more = async () => {
      const r = await it.next()
      if (r.done) {
        eof = true
        return
      }
      const c = new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength)
      pending.push(c)
      const j = new Uint8Array(head.length + c.length)
      j.set(head)
      j.set(c, head.length)
      head = j
    }
    while (!eof && !want(64 << 10)) await more()
    const sniff = sniffAudio(head)
    if (sniff && sniff.start > 0) while (!eof && !want(sniff.start + (64 << 10))) await more()

    let read = 0
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      for (const c of pending) yield c
      pending.length = 0
      while (!eof) {
        const r = await it.next()
        if (r.done) break
        yield new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength)
      }
    }
    const progress = (c: Uint8Array) => {
      read += c.length
      o.onProgress?.(read / size)
    }

    if (!sniff) {
      const what = describeNonAudio(head)
      if (what.startsWith('a MIDI file')) throw fail('not-audio', path, `is not an audio file: it is ${what}`)
      // not one of ours: let audio-decode try the whole file (AIFF, CAF, WebM, WMA, …)
      await decodeWhole(path, head, chunks, progress, accept, info)
      return finishInfo(info, path)
    }
    if (sniff.format === 'wav') {
      await decodeWav(path, chunks, progress, accept, info)
      return finishInfo(info, path)
    }

    let walker: ContainerWalker | null = null
    let expected: number | null = null
    if (sniff.format === 'mp3') {
      const mp3 = parseMp3Info(head, sniff.start)
      if (mp3) {
        info.mp3 = mp3
        expected = mp3.expectedSamples
      }
      walker = new MpegFrameWalker(sniff.start)
    } else if (sniff.format.startsWith('ogg-')) walker = new OggPageWalker()
    else if (sniff.format === 'mp4') walker = new Mp4BoxWalker()
    let sinkFor = accept
    if (sniff.format === 'flac') {
      const si = flacStreamInfo(head, sniff.start)
      expected = si?.totalSamples ?? null
      // the FLAC decoder scales integers by 1/(2^(b−1) − 1); ffmpeg and our WAV reader use 1/2^(b−1).
      // Recover the integers (exact: the float32 error is < 0.5) so a FLAC and its WAV give one PCM.
      if (si && si.bits >= 8 && si.bits <= 24) {
        const full = 2 ** (si.bits - 1)
        sinkFor = (channels, sampleRate) => {
          for (const ch of channels)
            for (let i = 0; i < ch.length; i++) ch[i] = Math.round(ch[i]! * (full - 1)) / full
          accept(channels, sampleRate)
        }
      }
    }
    info.format = sniff.format

    const factory = codecs[CODEC[sniff.format]]
    if (!factory)
      throw fail('unsupported', path, `has no decoder for ${sniff.format} (supported: ${SUPPORTED})`)
    const dec = await factory()
    let offset = 0
    let failure: unknown = null
    // native FLAC: the last bytes and samples, to recover final frames the streaming decoder drops
    const flacTail = sniff.format === 'flac' ? new FlacTail(head, sniff.start) : null
    const emit = (r: { channelData: Float32Array[]; sampleRate: number }) => {
      flacTail?.samples(r.channelData)
      sinkFor(r.channelData, r.sampleRate)
    }
    try {
      await feed()
    } finally {
      dec.free() // no-op after the final flush
    }
    async function feed(): Promise<void> {
      for await (const c of chunks()) {
        walker?.push(c, offset)
        flacTail?.bytes(c)
        offset += c.length
        progress(c)
        if (failure) continue // keep walking the container to tell truncation from corruption
        try {
          emit(await dec(c))
        } catch (e) {
          if (e instanceof AudioDecodeError) throw e
          failure = e
        }
      }
      if (!failure) {
        try {
          emit(await dec())
        } catch (e) {
          if (e instanceof AudioDecodeError) throw e
          failure = e
        }
      }
      if (!failure && flacTail && expected !== null && info.samples < expected) {
        const r = await flacTail.recover(factory!, expected - info.samples)
        if (r) emit(r)
      }
    }
    const verdict: WalkVerdict = walker ? walker.finish(size) : { truncated: false }
    if (verdict.truncated)
      throw fail('truncated', path, `is truncated: ${verdict.why} (re-export or re-download it)`)
    if (failure) throw codecFailure(path, sniff.format, failure)
    if (expected !== null && info.samples < expected)
      throw fail(
        'truncated',
        path,
        `is truncated: its header promises ${expected} samples, it holds ${info.samples} (re-export or re-download it)`,
      )
    if (expected !== null && info.samples > expected && sniff.format === 'mp3')
      // the decoder did not apply the LAME gapless trimming: times would lag ffmpeg's
      throw new Error(`MP3 decoder returned ${info.samples} samples where the LAME tag says ${expected}`)
    return finishInfo(info, path)
  } finally {
    stream.destroy()
  }
}

/**
 * Recovery of the final frames of a native FLAC stream. The streaming FLAC decoder (audio-decode 3,
 * @audio/decode-flac) can drop the last frame at the final flush, depending on where the chunks fall
 * (two frames left pending are flushed as one; sox writes such files): the file then decodes short
 * of its STREAMINFO total and would be called truncated. FLAC frames decode independently, so the
 * kept tail of the file (from a frame sync code) is decoded again in one piece, behind the file's own
 * STREAMINFO, and its last samples supply the missing ones — accepted only if the samples before
 * them equal the ones already decoded.
 */
class FlacTail {
  /** the last bytes of the file (≥ TAIL_BYTES once that much was read) */
  private tail: Uint8Array[] = []
  private tailLen = 0
  /** the last OVERLAP decoded samples of each channel, as the decoder returned them */
  private last: Float32Array[] = []
  private static readonly TAIL_BYTES = 1 << 19
  private static readonly OVERLAP = 64
  private readonly streamInfo: Uint8Array | null

  constructor(head: Uint8Array, start: number) {
    // "fLaC" + the STREAMINFO block (4-byte header + 34 bytes)
    this.streamInfo = head.length >= start + 42 ? head.slice(start, start + 42) : null
  }

  bytes(c: Uint8Array): void {
    this.tail.push(c)
    this.tailLen += c.length
    while (this.tail.length > 1 && this.tailLen - this.tail[0]!.length >= FlacTail.TAIL_BYTES)
      this.tailLen -= this.tail.shift()!.length
  }

  samples(channels: Float32Array[]): void {
    const K = FlacTail.OVERLAP
    channels.forEach((ch, i) => {
      const prev = this.last[i] ?? new Float32Array(0)
      const joined = new Float32Array(Math.min(K, prev.length + ch.length))
      const fromCh = Math.min(ch.length, joined.length)
      joined.set(prev.subarray(prev.length - (joined.length - fromCh)), 0)
      joined.set(ch.subarray(ch.length - fromCh), joined.length - fromCh)
      this.last[i] = joined
    })
  }

  /** Decode the kept tail again; the `missing` final samples, or null if they cannot be trusted. */
  async recover(
    factory: DecoderFactory,
    missing: number,
  ): Promise<{ channelData: Float32Array[]; sampleRate: number } | null> {
    if (!this.streamInfo || missing <= 0 || this.last.length === 0) return null
    const tail = new Uint8Array(this.tailLen)
    let o = 0
    for (const c of this.tail) {
      tail.set(c, o)
      o += c.length
    }
    const si = this.streamInfo.slice()
    si[4] = 0x80 // STREAMINFO is the last metadata block
    si[21] = si[21]! & 0xf0 // total samples unknown (36 bits from the low nibble of byte 21)
    si.fill(0, 22, 26)
    si.fill(0, 26, 42) // no MD5 to check against
    let tries = 0
    for (let i = 0; i + 1 < tail.length && tries < 16; i++) {
      if (tail[i] !== 0xff || (tail[i + 1]! & 0xfe) !== 0xf8) continue // frame sync 0xFFF8 / 0xFFF9
      tries++
      const mini = new Uint8Array(si.length + tail.length - i)
      mini.set(si)
      mini.set(tail.subarray(i), si.length)
      const dec = await factory()
      try {
        const r = await dec(mini)
        const n = r.channelData[0]?.length ?? 0
        const K = this.last[0]!.length
        if (r.channelData.length !== this.last.length || n < missing + K) continue
        const same = r.channelData.every((ch, c) => {
          const ref = this.last[c]!
          for (let k = 0; k < K; k++) if (ch[n - missing - K + k] !== ref[k]) return false
          return true
        })
        if (!same) continue
        return { channelData: r.channelData.map((ch) => ch.slice(n - missing)), sampleRate: r.sampleRate }
      } catch {
        // a false sync code: try the next one
      } finally {
        dec.free()
      }
    }
    return null
  }
}

function finishInfo(info: DecodeInfo, path: string): DecodeInfo {
  if (info.samples === 0) throw fail('empty', path, 'contains no audio samples (zero length)')
  info.duration = info.samples / info.sampleRate
  return info
}

function codecFailure(path: string, format: string, e: unknown): AudioDecodeError {
  const msg = String((e as Error)?.message ?? e).split('\n')[0]!
  if (/no audio track/i.test(msg))
    return fail('unsupported', path, `has no audio track this decoder can read (${msg})`)
  if (/unsupported|not supported|no decoder|truehd|e-ac-3/i.test(msg))
    return fail(
      'unsupported',
      path,
      `uses a codec that cannot be decoded (${msg}); convert it to WAV or FLAC`,
    )
  return fail('corrupt', path, `cannot be decoded as ${format} (${msg}); the file may be damaged`)
}

async function decodeWav(
  path: string,
  chunks: () => AsyncGenerator<Uint8Array>,
  progress: (c: Uint8Array) => void,
  accept: AudioSink,
  info: DecodeInfo,
): Promise<void> {
  const wav = new WavStreamDecoder(accept)
  let fallback = false
  try {
    for await (const c of chunks()) {
      progress(c)
      try {
        wav.push(c)
      } catch (e) {
        if (!(e instanceof WavError) || e.kind !== 'fallback') throw e
        fallback = true
        break
      }
    }
    if (!fallback) wav.finish()
  } catch (e) {
    if (e instanceof WavError) {
      const kind = e.kind === 'truncated' ? 'truncated' : e.kind === 'unsupported' ? 'unsupported' : 'corrupt'
      throw fail(
        kind,
        path,
        kind === 'truncated' ? `is truncated: ${e.message} (re-export or re-download it)` : e.message,
      )
    }
    throw e
  }
  const f = wav.format
  info.format = f ? `wav (${f.formatTag === 3 ? 'float' : 'pcm'} ${f.bitsPerSample}-bit)` : 'wav'
  if (fallback) {
    // ADPCM, µ-law, A-law…: audio-decode's WAV decoder on the whole file (such files are small)
    info.format = `wav (format tag ${f?.formatTag ?? '?'})`
    const whole = await readFile(path)
    try {
      const r = await decode(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength))
      accept(r.channelData, r.sampleRate)
    } catch (e) {
      throw codecFailure(path, info.format, e)
    }
  }
}

async function decodeWhole(
  path: string,
  head: Uint8Array,
  chunks: () => AsyncGenerator<Uint8Array>,
  progress: (c: Uint8Array) => void,
  accept: AudioSink,
  info: DecodeInfo,
): Promise<void> {
  const all: Uint8Array[] = []
  for await (const c of chunks()) {
    progress(c)
    all.push(c)
  }
  const bytes = all.length === 1 ? all[0]! : concat(all)
  let r: { channelData: Float32Array[]; sampleRate: number }
  try {
    r = await decode(bytes)
  } catch (e) {
    const msg = String((e as Error)?.message ?? e)
    if (/unknown audio format/i.test(msg)) {
      const what = describeNonAudio(head)
      throw fail(
        'not-audio',
        path,
        `is not an audio file${what ? ` (it looks like ${what})` : ''}; supported: ${SUPPORTED}`,
      )
    }
    throw codecFailure(path, 'audio', e)
  }
  info.format = 'audio-decode'
  accept(r.channelData, r.sampleRate)
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
