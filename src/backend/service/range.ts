/**
 * HTTP byte ranges (RFC 9110 §14) for streaming audio to a media element, which seeks with
 * `Range: bytes=<first>-[<last>]` requests. One parser for both doors: the browser mode's
 * `GET /api/audio/<id>` and Electron's `cw-media://audio/<id>`.
 */

/** What to answer a request for a file of `size` bytes. */
export type ByteRange =
  /** 200 with the whole file: no Range header, or one this server ignores (other units, several ranges, `bytes=-`). */
  | { kind: 'full' }
  /** 206 with bytes start…end (inclusive) and `Content-Range: bytes start-end/size`. */
  | { kind: 'partial'; start: number; end: number }
  /** 416 with `Content-Range: bytes *\/size`: the range starts past the end, is reversed, or is an empty suffix. */
  | { kind: 'unsatisfiable' }

const SINGLE = /^bytes=(\d*)-(\d*)$/

/**
 * The answer to a `Range` header for a file of `size` bytes.
 * @example byteRange('bytes=-500', 10_000) // { kind: 'partial', start: 9500, end: 9999 }
 */
export function byteRange(header: string | null | undefined, size: number): ByteRange {
  if (!header || size <= 0) return { kind: 'full' }
  const m = SINGLE.exec(header.trim())
  if (!m) return { kind: 'full' }
  const [, first, last] = m as unknown as [string, string, string]
  if (first === '' && last === '') return { kind: 'full' } // `bytes=-` is not a range
  if (first === '') {
    // suffix: the last N bytes (the whole file when N ≥ size)
    const n = Number(last)
    if (n === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size || (last !== '' && Number(last) < start)) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end }
}

/** `Content-Range` of an answer. */
export function contentRange(r: ByteRange, size: number): string | null {
  if (r.kind === 'partial') return `bytes ${r.start}-${r.end}/${size}`
  if (r.kind === 'unsatisfiable') return `bytes */${size}`
  return null
}
