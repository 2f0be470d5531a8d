/**
 * Float32Array / Int16Array ⇄ base64 (little endian) for chroma and waveform peaks on the wire; no
 * Buffer/atob so it runs anywhere.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const LOOKUP = new Uint8Array(128)
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i

function bytesToBase64(bytes: Uint8Array): string {
  const out: string[] = []
  let chunk = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0
    const n = (a << 16) | (b << 8) | c
    chunk +=
      ALPHABET[(n >> 18) & 63]! +
      ALPHABET[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? ALPHABET[n & 63]! : '=')
    if (chunk.length >= 8192) {
      out.push(chunk)
      chunk = ''
    }
  }
  out.push(chunk)
  return out.join('')
}

function base64ToBytes(text: string): Uint8Array {
  const s = text.replace(/=+$/, '')
  const out = new Uint8Array(Math.floor((s.length * 3) / 4))
  let o = 0
  for (let i = 0; i < s.length; i += 4) {
    const n =
      (LOOKUP[s.charCodeAt(i)]! << 18) |
      (LOOKUP[s.charCodeAt(i + 1)]! << 12) |
      ((i + 2 < s.length ? LOOKUP[s.charCodeAt(i + 2)]! : 0) << 6) |
      (i + 3 < s.length ? LOOKUP[s.charCodeAt(i + 3)]! : 0)
    out[o++] = (n >> 16) & 255
    if (o < out.length) out[o++] = (n >> 8) & 255
    if (o < out.length) out[o++] = n & 255
  }
  return out
}

/** Encode a Float32Array as base64 of its little-endian bytes. */
export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true)
  return bytesToBase64(bytes)
}

/** Decode what `encodeFloat32` wrote. */
export function decodeFloat32(text: string): Float32Array {
  const bytes = base64ToBytes(text)
  if (bytes.length % 4 !== 0)
    throw new RangeError(`base64 float32 data has ${bytes.length} bytes, not a multiple of 4`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Float32Array(bytes.length / 4)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}

/** Largest quantised waveform peak: a peak `v` travels as `round(v / scale · PEAK_LEVELS)` (PeaksDto). */
export const PEAK_LEVELS = 32767

/** Encode an Int16Array as base64 of its little-endian bytes (waveform peaks). */
export function encodeInt16(values: Int16Array): string {
  const bytes = new Uint8Array(values.length * 2)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < values.length; i++) view.setInt16(i * 2, values[i]!, true)
  return bytesToBase64(bytes)
}

/** Decode what `encodeInt16` wrote. */
export function decodeInt16(text: string): Int16Array {
  const bytes = base64ToBytes(text)
  if (bytes.length % 2 !== 0)
    throw new RangeError(`base64 int16 data has ${bytes.length} bytes, not a multiple of 2`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Int16Array(bytes.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true)
  return out
}
