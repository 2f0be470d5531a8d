/** Chroma as the chromagram draws it. */
import { type ChromaDto, decodeFloat32 } from '../../../core/api/client'
import type { ChromaView } from '../editor/EditorCore.svelte'

/**
 * Chroma for display: each frame stretched to [0, 1] between its smallest and largest bin, so the
 * strongest pitch classes stand out; a flat frame (silence, which ℓ2 normalisation turns into a
 * uniform vector) stays blank.
 */
export function chromaView(dto: ChromaDto): ChromaView {
  const raw = decodeFloat32(dto.data)
  const data = new Float32Array(raw.length)
  for (let f = 0; f < dto.frames; f++) {
    let max = Number.NEGATIVE_INFINITY
    let min = Number.POSITIVE_INFINITY
    for (let p = 0; p < 12; p++) {
      const v = raw[f * 12 + p]!
      if (v > max) max = v
      if (v < min) min = v
    }
    const range = max - min
    if (range > 1e-6 * Math.max(1, Math.abs(max)))
      for (let p = 0; p < 12; p++) data[f * 12 + p] = (raw[f * 12 + p]! - min) / range
  }
  return { data, frames: dto.frames, frameRate: dto.frameRate }
}
