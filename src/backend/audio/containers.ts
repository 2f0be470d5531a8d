/**
 * Container walkers that read only headers while the file streams past, to tell a truncated file
 * from a complete one (decoders happily return what they got): MPEG frames, Ogg pages, MP4 boxes,
 * FLAC STREAMINFO. Each gets every chunk of the file in order and reports at the end.
 */
import { parseMpegHeader } from './sniff'

/** A problem found at the end; null = the file looks complete. */
export type WalkVerdict = { truncated: true; why: string } | { truncated: false }

export interface ContainerWalker {
  /** next bytes of the file; `at` is the absolute offset of chunk[0] */
  push(chunk: Uint8Array, at: number): void
  /** the whole file has been pushed */
  finish(fileSize: number): WalkVerdict
}

/** Reads small headers at absolute positions across chunk boundaries. */
abstract class HeaderWalker implements ContainerWalker {
  protected pos: number
  private carry = new Uint8Array(0)
  private carryAt = 0
  protected stopped = false

  constructor(start: number) {
    this.pos = start
  }

  push(chunk: Uint8Array, at: number): void {
    let view = chunk
    let viewAt = at
    if (this.carry.length > 0) {
      view = new Uint8Array(this.carry.length + chunk.length)
      view.set(this.carry)
      view.set(chunk, this.carry.length)
      viewAt = this.carryAt
    }
    const end = viewAt + view.length
    while (!this.stopped && this.pos < end) {
      const need = this.headerSize(view, this.pos - viewAt)
      if (need === null || this.pos + need > end) break
      this.pos = this.step(view, this.pos - viewAt, this.pos)
    }
    if (!this.stopped && this.pos < end && this.pos >= viewAt) {
      this.carry = view.slice(this.pos - viewAt)
      this.carryAt = this.pos
    } else this.carry = new Uint8Array(0)
  }

  /** bytes needed at offset `o` of `v` to step (null: more bytes needed to know) */
  protected abstract headerSize(v: Uint8Array, o: number): number | null
  /** read the structure at v[o] (absolute `abs`), return the absolute position of the next one */
  protected abstract step(v: Uint8Array, o: number, abs: number): number
  abstract finish(fileSize: number): WalkVerdict
}

/** MPEG audio frames: the last frame must end inside the file (a file cut exactly between frames is
 *  caught by the sample count of its Xing/LAME tag, when it has one). */
export class MpegFrameWalker extends HeaderWalker {
  private frames = 0
  private lastEnd = 0

  /** @param start offset of the first frame */
  constructor(start: number) {
    super(start)
    this.lastEnd = start
  }
  protected headerSize(v: Uint8Array, o: number): number | null {
    return o + 4 <= v.length ? 4 : null
  }
  protected step(v: Uint8Array, o: number, abs: number): number {
    const h = parseMpegHeader(v, o)
    if (!h) {
      // trailing tags (ID3v1, APE, Lyrics3) or junk: stop walking here
      this.stopped = true
      return abs
    }
    this.frames++
    this.lastEnd = abs + h.length
    return abs + h.length
  }
  finish(fileSize: number): WalkVerdict {
    if (this.frames > 0 && this.lastEnd > fileSize)
      return { truncated: true, why: `its last MP3 frame is cut (${this.lastEnd - fileSize} bytes missing)` }
    return { truncated: false }
  }
}

/** Ogg pages: the last page must be complete and carry the end-of-stream flag. */
export class OggPageWalker extends HeaderWalker {
  private pages = 0
  private lastFlags = 0
  private lastEnd = 0
  private bad = ''

  constructor() {
    super(0)
  }
  protected headerSize(v: Uint8Array, o: number): number | null {
    if (o + 27 > v.length) return null
    return 27 + v[o + 26]!
  }
  protected step(v: Uint8Array, o: number, abs: number): number {
    if (v[o] !== 0x4f || v[o + 1] !== 0x67 || v[o + 2] !== 0x67 || v[o + 3] !== 0x53) {
      this.bad = `no Ogg page at byte ${abs}`
      this.stopped = true
      return abs
    }
    const segs = v[o + 26]!
    let body = 0
    for (let i = 0; i < segs; i++) body += v[o + 27 + i]!
    this.pages++
    this.lastFlags = v[o + 5]!
    this.lastEnd = abs + 27 + segs + body
    return this.lastEnd
  }
  finish(fileSize: number): WalkVerdict {
    if (this.pages === 0) return { truncated: false }
    if (this.lastEnd > fileSize)
      return { truncated: true, why: `its last Ogg page is cut (${this.lastEnd - fileSize} bytes missing)` }
    if (!this.bad && (this.lastFlags & 4) === 0)
      return { truncated: true, why: 'its last Ogg page has no end-of-stream mark' }
    return { truncated: false }
  }
}

/** MP4 top-level boxes: each must fit in the file, and there must be a 'moov'. */
export class Mp4BoxWalker extends HeaderWalker {
  private lastEnd = 0
  private lastType = ''
  private hasMoov = false
  private toEof = false

  constructor() {
    super(0)
  }
  protected headerSize(v: Uint8Array, o: number): number | null {
    if (o + 8 > v.length) return null
    const size32 = ((v[o]! << 24) | (v[o + 1]! << 16) | (v[o + 2]! << 8) | v[o + 3]!) >>> 0
    return size32 === 1 ? 16 : 8
  }
  protected step(v: Uint8Array, o: number, abs: number): number {
    let size = ((v[o]! << 24) | (v[o + 1]! << 16) | (v[o + 2]! << 8) | v[o + 3]!) >>> 0
    const type = String.fromCharCode(v[o + 4]!, v[o + 5]!, v[o + 6]!, v[o + 7]!)
    if (size === 1) {
      const hi = ((v[o + 8]! << 24) | (v[o + 9]! << 16) | (v[o + 10]! << 8) | v[o + 11]!) >>> 0
      const lo = ((v[o + 12]! << 24) | (v[o + 13]! << 16) | (v[o + 14]! << 8) | v[o + 15]!) >>> 0
      size = hi * 2 ** 32 + lo
    }
    if (type === 'moov') this.hasMoov = true
    this.lastType = type
    if (size === 0) {
      this.toEof = true
      this.stopped = true
      return abs
    }
    if (size < 8) {
      this.stopped = true
      return abs
    }
    this.lastEnd = abs + size
    return abs + size
  }
  finish(fileSize: number): WalkVerdict {
    if (!this.toEof && this.lastEnd > fileSize)
      return {
        truncated: true,
        why: `its MP4 box '${this.lastType}' needs ${this.lastEnd - fileSize} more bytes than the file has`,
      }
    if (!this.hasMoov) return { truncated: true, why: "it has no MP4 'moov' header (incomplete download?)" }
    return { truncated: false }
  }
}

/** FLAC STREAMINFO: total samples (null when the encoder did not know) and bits per sample. */
export function flacStreamInfo(
  b: Uint8Array,
  start: number,
): { totalSamples: number | null; bits: number } | null {
  // "fLaC", a block header (type 0 = STREAMINFO), then: 2+2+3+3 bytes of block/frame sizes, 20 bits of
  // sample rate, 3 of channels − 1, 5 of bits per sample − 1, 36 of total samples
  const s = start + 8
  if (s + 18 > b.length || (b[start + 4]! & 0x7f) !== 0) return null
  const bits = (((b[s + 12]! & 1) << 4) | (b[s + 13]! >> 4)) + 1
  const hi = b[s + 13]! & 0x0f
  const lo = ((b[s + 14]! << 24) | (b[s + 15]! << 16) | (b[s + 16]! << 8) | b[s + 17]!) >>> 0
  const total = hi * 2 ** 32 + lo
  return { totalSamples: total > 0 ? total : null, bits }
}
