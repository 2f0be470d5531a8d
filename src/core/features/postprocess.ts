/** Chroma post-processing as explicit steps (libfmp C3 S1): log compression and normalisation. */
import type { ChromaNorm } from './types'

/**
 * Log compression Γ_γ(x) = log(1 + γ·x/scale), element-wise (FMP eq. 3.7).
 * @param data T×K row-major, values ≥ 0
 * @param gamma γ ≥ 0 [-]; 0 returns a copy
 * @param scale divides x first (default 1) [same unit as x]
 * @returns a new array, T×K
 * @example logCompress(Float32Array.of(0, 1), 100) // [0, log(101)]
 */
export function logCompress(data: Float32Array, gamma: number, scale = 1): Float32Array {
  const out = new Float32Array(data.length)
  if (gamma === 0) {
    out.set(data)
    return out
  }
  const g = gamma / scale
  for (let i = 0; i < data.length; i++) out[i] = Math.log1p(g * data[i]!)
  return out
}

/**
 * libfmp `normalize_feature_sequence(X, norm, threshold, v=None)` on a T×K row-major sequence: each
 * frame is divided by its norm; a frame whose norm is ≤ threshold becomes the unit vector
 * (1/√K each for 'l2', 1/K for 'l1', 1 for 'max').
 * @param data T×K row-major
 * @param dim K, values per frame (12 for chroma)
 * @param norm 'l2' | 'l1' | 'max' ('none' returns a copy)
 * @param threshold [-] (libfmp default 1e-4)
 * @returns a new array, T×K
 * @example normalizeFeatureSequence(new Float32Array(12), 12, 'l2') // all 1/√12
 */
export function normalizeFeatureSequence(
  data: Float32Array,
  dim: number,
  norm: ChromaNorm,
  threshold = 1e-4,
): Float32Array {
  const out = new Float32Array(data.length)
  if (norm === 'none') {
    out.set(data)
    return out
  }
  const unit = norm === 'l2' ? 1 / Math.sqrt(dim) : norm === 'l1' ? 1 / dim : 1
  const T = Math.floor(data.length / dim)
  for (let t = 0; t < T; t++) {
    const o = t * dim
    let s = 0
    if (norm === 'l2') {
      for (let c = 0; c < dim; c++) s += data[o + c]! * data[o + c]!
      s = Math.sqrt(s)
    } else if (norm === 'l1') {
      for (let c = 0; c < dim; c++) s += Math.abs(data[o + c]!)
    } else {
      for (let c = 0; c < dim; c++) s = Math.max(s, Math.abs(data[o + c]!))
    }
    if (s > threshold) for (let c = 0; c < dim; c++) out[o + c] = data[o + c]! / s
    else for (let c = 0; c < dim; c++) out[o + c] = unit
  }
  return out
}
