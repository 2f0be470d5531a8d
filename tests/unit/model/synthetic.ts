/**
 * Synthetic recordings for model tests: each chord sounds its triad (with a louder root and a weak
 * seventh, so binary templates are not exactly right) plus noise; short N stretches of low noise.
 */
import { binaryTemplate, createRng, type Recording } from '../../../src/core/model'

export interface SyntheticOptions {
  frames: number
  /** Mean chord duration [frames]. */
  chordFrames: number
  /** Fraction of minor chords. */
  minorShare: number
  noise: number
  /** Leading/trailing N [frames]. */
  nFrames: number
}

export function syntheticRecording(id: string, seed: number, o: Partial<SyntheticOptions> = {}): Recording {
  const opt: SyntheticOptions = {
    frames: 320,
    chordFrames: 20,
    minorShare: 0.3,
    noise: 0.15,
    nFrames: 5,
    ...o,
  }
  const rng = createRng(seed)
  const T = opt.frames
  const x = new Float32Array(T * 12)
  const strong = new Int8Array(T).fill(24)
  let t = opt.nFrames
  let prev = -1
  while (t < T - opt.nFrames) {
    let c = rng.int(12) + (rng.next() < opt.minorShare ? 12 : 0)
    if (c === prev) c = (c + 5) % 24
    prev = c
    const len = Math.max(3, Math.round(opt.chordFrames * (0.5 + rng.next())))
    for (let k = 0; k < len && t < T - opt.nFrames; k++, t++) {
      strong[t] = c
      for (let p = 0; p < 12; p++) {
        let v = binaryTemplate(c, p) * (p === c % 12 ? 2 : 1)
        if (p === (c % 12) + (c < 12 ? 11 : 10) - ((c % 12) + (c < 12 ? 11 : 10) >= 12 ? 12 : 0)) v += 0.4 // seventh
        x[t * 12 + p] = v * 5 + opt.noise * 5 * rng.next()
      }
    }
  }
  for (let f = 0; f < T; f++)
    if (strong[f] === 24) for (let p = 0; p < 12; p++) x[f * 12 + p] = opt.noise * rng.next()
  return { id, x, frames: T, frameRate: 10, strong, sequence: null, group: 'synthetic' }
}
