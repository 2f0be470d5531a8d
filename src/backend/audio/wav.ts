/**
 * Streaming WAV (RIFF/RF64) reader for PCM 8/16/24/32-bit integer and 32/64-bit float, the formats
 * worth streaming (hours of PCM are hundreds of MB). Other WAV codecs (ADPCM, µ-law, A-law) go to
 * audio-decode's whole-file decoder. Knows the data size from the header, so a file that ends early
 * is reported as truncated.
 */

export interface WavFormat {
  /** 1 = integer PCM, 3 = IEEE float (after resolving WAVE_FORMAT_EXTENSIBLE) */
  formatTag: number
  channels: number
  sampleRate: number
  bitsPerSample: number
  blockAlign: number
}

type Emit = (channels: Float32Array[], sampleRate: number) => void

/** Thrown for structural problems; the decoder maps it to a one-line file error. */
export class WavError extends Error {
  readonly kind: 'unsupported' | 'corrupt' | 'truncated' | 'fallback'
  constructor(kind: 'unsupported' | 'corrupt' | 'truncated' | 'fallback', message: string) {
    super(message)
    this.kind = kind
  }
}

const u32 = (b: Uint8Array, o: number) =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8)
const tag = (b: Uint8Array, o: number) => String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!)

/** Streaming WAV decoder: push the file's bytes in order, then `finish`. */
export class WavStreamDecoder {
  private head = new Uint8Array(0) // bytes before the data chunk, while parsing the header
  private fmt: WavFormat | null = null
  private dataLeft = -1 // bytes of sample data still expected (Infinity: to end of file)
  private declared = 0
  private rest = new Uint8Array(0) // partial sample frame carried to the next chunk
  private rf64DataSize: number | null = null
  /** sample frames emitted */
  frames = 0

  constructor(private readonly emit: Emit) {}

  get format(): WavFormat | null {
    return this.fmt
  }

  push(chunk: Uint8Array): void {
    if (this.dataLeft < 0) {
      const b = new Uint8Array(this.head.length + chunk.length)
      b.set(this.head)
      b.set(chunk, this.head.length)
      const start = this.parseHeader(b)
      if (start < 0) {
        if (b.length > 16 << 20)
          throw new WavError('corrupt', 'no "data" chunk in the first 16 MB of the WAV file')
        this.head = b
        return
      }
      this.head = new Uint8Array(0)
      chunk = b.subarray(start)
    }
    this.samples(chunk)
  }

  /** End of file: checks the data size. */
  finish(): void {
    if (this.dataLeft < 0) throw new WavError('truncated', 'the WAV header is incomplete (no "data" chunk)')
    if (Number.isFinite(this.dataLeft) && this.dataLeft > 0) {
      const missing = this.dataLeft + this.rest.length
      throw new WavError(
        'truncated',
        `the WAV header promises ${this.declared} bytes of samples but the file ends ${missing} bytes early`,
      )
    }
  }

  /** Parse chunks up to "data"; returns the offset of the sample data, or −1 if more bytes are needed. */
  private parseHeader(b: Uint8Array): number {
    if (b.length < 12) return -1
    const riff = tag(b, 0)
    let o = 12
    while (o + 8 <= b.length) {
      const id = tag(b, o)
      let size = u32(b, o + 4)
      if (id === 'ds64' && o + 36 <= b.length) {
        this.rf64DataSize = u32(b, o + 16) + u32(b, o + 20) * 2 ** 32
      } else if (id === 'fmt ') {
        if (o + 8 + Math.min(size, 40) > b.length) return -1
        let formatTag = u16(b, o + 8)
        const channels = u16(b, o + 10)
        const sampleRate = u32(b, o + 12)
        const blockAlign = u16(b, o + 20)
        const bitsPerSample = u16(b, o + 22)
        if (formatTag === 0xfffe && size >= 40) formatTag = u16(b, o + 32) // SubFormat GUID's first two bytes
        this.fmt = { formatTag, channels, sampleRate, bitsPerSample, blockAlign }
      } else if (id === 'data') {
        const f = this.fmt
        if (!f) throw new WavError('corrupt', 'the WAV "data" chunk comes before its "fmt " chunk')
        if (f.channels === 0 || f.sampleRate === 0)
          throw new WavError('corrupt', 'the WAV header says 0 channels or 0 Hz')
        const pcm = f.formatTag === 1 && [8, 16, 24, 32].includes(f.bitsPerSample)
        const flt = f.formatTag === 3 && (f.bitsPerSample === 32 || f.bitsPerSample === 64)
        if (!pcm && !flt)
          throw new WavError('fallback', `WAV format tag ${f.formatTag}, ${f.bitsPerSample} bit`)
        if (f.blockAlign !== (f.channels * f.bitsPerSample) / 8)
          throw new WavError('corrupt', `the WAV block size ${f.blockAlign} does not match its sample format`)
        if (riff === 'RF64' || riff === 'BW64') size = this.rf64DataSize ?? 0xffffffff
        // 0 or 0xFFFFFFFF: written by a streaming encoder that did not know the size: read to the end
        this.dataLeft = size === 0 || size === 0xffffffff ? Number.POSITIVE_INFINITY : size
        this.declared = size
        return o + 8
      }
      o += 8 + size + (size & 1)
    }
    return -1
  }

  private samples(chunk: Uint8Array): void {
    const f = this.fmt!
    let take = chunk.length
    if (Number.isFinite(this.dataLeft)) take = Math.min(take, this.dataLeft)
    this.dataLeft -= take
    let b = chunk.subarray(0, take)
    if (this.rest.length) {
      const j = new Uint8Array(this.rest.length + b.length)
      j.set(this.rest)
      j.set(b, this.rest.length)
      b = j
    }
    const frames = Math.floor(b.length / f.blockAlign)
    this.rest = b.slice(frames * f.blockAlign)
    if (frames === 0) return
    const C = f.channels
    const out: Float32Array[] = []
    for (let c = 0; c < C; c++) out.push(new Float32Array(frames))
    const dv = new DataView(b.buffer, b.byteOffset, frames * f.blockAlign)
    const bytes = f.bitsPerSample / 8
    for (let c = 0; c < C; c++) {
      const ch = out[c]!
      let o = c * bytes
      const step = f.blockAlign
      if (f.formatTag === 3) {
        if (bytes === 4) for (let i = 0; i < frames; i++, o += step) ch[i] = dv.getFloat32(o, true)
        else for (let i = 0; i < frames; i++, o += step) ch[i] = dv.getFloat64(o, true)
      } else if (bytes === 2) for (let i = 0; i < frames; i++, o += step) ch[i] = dv.getInt16(o, true) / 32768
      else if (bytes === 3)
        for (let i = 0; i < frames; i++, o += step) {
          const v = b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)
          ch[i] = ((v << 8) >> 8) / 8388608
        }
      else if (bytes === 4)
        for (let i = 0; i < frames; i++, o += step) ch[i] = dv.getInt32(o, true) / 2147483648
      else for (let i = 0; i < frames; i++, o += step) ch[i] = (b[o]! - 128) / 128
    }
    this.frames += frames
    this.emit(out, f.sampleRate)
  }
}
