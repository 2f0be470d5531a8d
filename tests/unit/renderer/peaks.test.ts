/** The waveform the editor draws from the backend's peaks, and its fallbacks. */
import { describe, expect, it } from 'vitest'
import { encodeInt16, PEAK_LEVELS, type PeaksDto } from '../../../src/core/api/client'
import { fallbackWaveform, MAX_PAGE_DECODE_S, waveformFromPeaks } from '../../../src/renderer/src/state/peaks'

const dto = (q: number[], buckets: number): PeaksDto => ({
  duration: 0.03,
  sampleRate: 8000,
  samples: 240,
  bucketRate: 100,
  buckets,
  scale: 0.25,
  data: encodeInt16(Int16Array.from(q)),
})

describe('waveformFromPeaks', () => {
  it('splits the max/min pairs into the two line channels, loudest at ±1, with the exact duration', () => {
    const w = waveformFromPeaks(dto([PEAK_LEVELS, -100, 50, -PEAK_LEVELS, 0, 0], 3))
    expect(w.kind).toBe('peaks')
    if (w.kind !== 'peaks') return
    expect(w.duration).toBe(0.03)
    expect(Array.from(w.channels[0])).toEqual([1, 50 / PEAK_LEVELS, 0].map(Math.fround))
    expect(Array.from(w.channels[1])).toEqual([-100 / PEAK_LEVELS, -1, 0].map(Math.fround))
  })

  it('refuses data that does not hold 2 values per bucket', () => {
    expect(() => waveformFromPeaks(dto([1, 2, 3, 4], 3))).toThrow(/expected 2 × 3 buckets/)
  })
})

describe('fallbackWaveform', () => {
  it('lets the page decode short or unknown recordings, and only plays long ones', () => {
    expect(fallbackWaveform(null)).toEqual({ kind: 'decode' })
    expect(fallbackWaveform(300)).toEqual({ kind: 'decode' })
    expect(fallbackWaveform(MAX_PAGE_DECODE_S)).toEqual({ kind: 'decode' })
    expect(fallbackWaveform(3600)).toEqual({ kind: 'flat', duration: 3600 })
  })
})
