/** Test data shared by the store tests and their child process (no vitest imports here). */
import { createHash } from 'node:crypto'
import type { StoredSegment } from '../../src/backend/store'

/** A deterministic fake content hash. */
export function fakeHash(seed: string | number): string {
  return createHash('sha256').update(String(seed)).digest('hex')
}

const LABELS = ['C:maj', 'A:min7', 'F:maj7/3', 'G:7', 'E:min/b3', 'D:sus4(b7)', 'Bb:hdim7', 'N']

/** `n` contiguous segments of 1.5 s with rich labels. */
export function makeSegments(n: number, offset = 0): StoredSegment[] {
  return Array.from({ length: n }, (_, i) => ({
    start: i * 1.5,
    end: (i + 1) * 1.5,
    label: LABELS[(i + offset) % LABELS.length]!,
  }))
}

/** A stable checksum of segments, the same in the child and the test. */
export function segmentsChecksum(segments: readonly StoredSegment[]): string {
  return createHash('sha256')
    .update(segments.map((s) => `${s.start}|${s.end}|${s.label}`).join('\n'))
    .digest('hex')
    .slice(0, 16)
}

/** A 16-bit PCM mono WAV of `seconds` of a seeded pseudo-noise (distinct bytes per seed). */
export function wavBytes(seconds: number, rate = 8000, seed = 1): Buffer {
  const frames = Math.round(seconds * rate)
  const b = Buffer.alloc(44 + frames * 2)
  b.write('RIFF', 0, 'latin1')
  b.writeUInt32LE(36 + frames * 2, 4)
  b.write('WAVEfmt ', 8, 'latin1')
  b.writeUInt32LE(16, 16)
  b.writeUInt16LE(1, 20)
  b.writeUInt16LE(1, 22)
  b.writeUInt32LE(rate, 24)
  b.writeUInt32LE(rate * 2, 28)
  b.writeUInt16LE(2, 32)
  b.writeUInt16LE(16, 34)
  b.write('data', 36, 'latin1')
  b.writeUInt32LE(frames * 2, 40)
  let x = seed * 2654435761
  for (let i = 0; i < frames; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    b.writeInt16LE(((x >>> 16) & 0x7fff) - 16384, 44 + i * 2)
  }
  return b
}
