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
