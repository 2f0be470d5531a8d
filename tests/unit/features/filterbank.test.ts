import { describe, expect, test } from 'vitest'
import { pitchToHz, pitchWindow, semitoneFilterBank } from '../../../src/core/features'

const SR = 22050
const N = 4096

function dense(bank: ReturnType<typeof semitoneFilterBank>, nb: number): number[][] {
  return Array.from({ length: bank.size }, (_, p) => {
    const row = new Array(nb).fill(0)
    for (let j = bank.offset[p]!, k = bank.start[p]!; j < bank.offset[p + 1]!; j++, k++)
      row[k] = bank.weights[j]!
    return row
  })
}

describe('semitone filterbank', () => {
  test('each weight is ∫ triangle(log f)·hat_k(f) df / Δf (Simpson, 20000 intervals)', () => {
    const cents = 23
    const bank = semitoneFilterBank(SR, N, cents, 24, 95)
    const W = dense(bank, N / 2 + 1)
    const df = SR / N
    for (const p of [24, 30, 45, 60, 81, 95]) {
      const fc = pitchToHz(p, cents)
      const lo = pitchToHz(p - 1, cents)
      const hi = pitchToHz(p + 1, cents)
      for (let k = Math.floor(lo / df); k <= Math.ceil(hi / df); k++) {
        const g = (f: number) =>
          Math.max(0, 1 - Math.abs(12 * Math.log2(f / fc))) * Math.max(0, 1 - Math.abs(f / df - k))
        const n = 20000
        const h = (hi - lo) / n
        let s = g(lo) + g(hi)
        for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * g(lo + i * h)
        const ref = (s * h) / 3 / df
        expect(Math.abs(W[p - 24]![k]! - ref)).toBeLessThan(2e-4 * Math.max(1, ref))
      }
    }
  })

  test('energy is preserved: the weights of every bin inside the range sum to 1', () => {
    const bank = semitoneFilterBank(SR, N, -31, 24, 95)
    const W = dense(bank, N / 2 + 1)
    const df = SR / N
    const k0 = Math.ceil(pitchToHz(25, -31) / df) + 1
    const k1 = Math.floor(pitchToHz(94, -31) / df) - 1
    for (let k = k0; k <= k1; k++) {
      let s = 0
      for (const row of W) s += row[k]!
      expect(s).toBeCloseTo(1, 3)
    }
  })

  test('a density of equal energy per semitone (1/f) gives equal bands', () => {
    const bank = semitoneFilterBank(SR, N, 0, 36, 95)
    const W = dense(bank, N / 2 + 1)
    const df = SR / N
    const bands = W.map((row) => row.reduce((a, w, k) => a + (k > 0 ? w / (k * df) : 0), 0))
    const mean = bands.reduce((a, b) => a + b) / bands.length
    for (const b of bands) expect(Math.abs(b / mean - 1)).toBeLessThan(0.01)
  })

  test('Hann pitch windows weigh every pitch class alike', () => {
    for (const [lo, hi] of [
      [24, 60],
      [36, 96],
    ] as const) {
      const w = pitchWindow(24, 72, lo, hi)
      const pc = new Array(12).fill(0)
      for (let i = 0; i < 72; i++) pc[(24 + i) % 12] += w[i]!
      for (const v of pc) expect(v).toBeCloseTo((hi - lo) / 24, 10)
    }
  })
})
