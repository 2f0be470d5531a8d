/** Backend waveform peaks as wavesurfer draws them. */
import { decodeInt16, PEAK_LEVELS, type PeaksDto } from '../../../core/api/client'

/**
 * What the waveform panel shows and plays:
 * - `peaks`: the backend's peaks (the page never decodes the audio; the media element streams it);
 * - `decode`: wavesurfer fetches and decodes the audio in the page (when the backend cannot give
 *   peaks and the recording is short);
 * - `flat`: no waveform, only the player (a long recording whose peaks failed or were cancelled).
 */
export type WaveformSource =
  | {
      kind: 'peaks'
      /** [bucket maxima, bucket minima] of the mono mix, in [−1, 1] relative to the loudest. */
      channels: [Float32Array, Float32Array]
      /** [seconds] */
      duration: number
    }
  | { kind: 'decode' }
  | { kind: 'flat'; duration: number }

/** Longest recording the page may decode itself when the backend has no peaks [seconds]. */
export const MAX_PAGE_DECODE_S = 20 * 60

/**
 * The two line channels wavesurfer's renderer draws: the bucket maxima above the centre line and
 * the minima below it, normalised so the loudest bucket spans the height (as `normalize: true` did).
 */
export function waveformFromPeaks(dto: PeaksDto): WaveformSource {
  const q = decodeInt16(dto.data)
  if (q.length !== 2 * dto.buckets)
    throw new RangeError(`peaks carry ${q.length} values, expected 2 × ${dto.buckets} buckets`)
  const max = new Float32Array(dto.buckets)
  const min = new Float32Array(dto.buckets)
  for (let i = 0; i < dto.buckets; i++) {
    max[i] = q[2 * i]! / PEAK_LEVELS
    min[i] = q[2 * i + 1]! / PEAK_LEVELS
  }
  return { kind: 'peaks', channels: [max, min], duration: dto.duration }
}

/** What to show when the backend gives no peaks: decode short recordings in the page, else only play. */
export function fallbackWaveform(duration: number | null): WaveformSource {
  if (duration !== null && duration > MAX_PAGE_DECODE_S) return { kind: 'flat', duration }
  return { kind: 'decode' }
}
