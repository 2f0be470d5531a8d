/** Synthetic chroma with known chord boundaries, for alignment and recognition tests. */
import { parseHarte } from '../../src/core/chords'

export interface SynthPart {
  /** Harte label or N (silence). */
  label: string
  /** Length [frames]. */
  frames: number
}

export interface SynthChroma {
  data: Float32Array
  bass: Float32Array
  frames: number
  frameRate: number
  /** Boundary frames: start of each part, then the end. */
  bounds: number[]
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Chroma that sounds each part's pitch classes (+ `noise` uniform in every bin) with the bass on the
 * label's bass note, `shift` semitones above the label; N parts are near-silent.
 */
export function synthChroma(
  parts: SynthPart[],
  opts: { frameRate?: number; noise?: number; seed?: number; shift?: number } = {},
): SynthChroma {
  const fr = opts.frameRate ?? 21.533203125
  const noise = opts.noise ?? 0.1
  const shift = opts.shift ?? 0
  const r = rng(opts.seed ?? 1)
  const T = parts.reduce((a, p) => a + p.frames, 0)
  const data = new Float32Array(T * 12)
  const bass = new Float32Array(T * 12)
  const bounds: number[] = []
  let t = 0
  for (const p of parts) {
    bounds.push(t)
    const c = parseHarte(p.label)
    for (let k = 0; k < p.frames; k++, t++) {
      for (let q = 0; q < 12; q++) {
        data[t * 12 + q] = c.kind === 'N' ? 1e-4 * r() : noise * r()
        bass[t * 12 + q] = c.kind === 'N' ? 1e-4 * r() : noise * r()
      }
      if (c.kind !== 'chord') continue
      for (const pc of c.pcs) data[t * 12 + ((pc + shift + 12) % 12)] += 1
      bass[t * 12 + ((c.bassAbs + shift + 12) % 12)] += 1
    }
  }
  bounds.push(t)
  return { data, bass, frames: T, frameRate: fr, bounds }
}
