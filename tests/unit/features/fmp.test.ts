/**
 * The `fmp` pipeline against an independent float64 NumPy implementation of libfmp's
 * compute_chromagram_from_filename (version 'STFT'): librosa.stft(x, n_fft=N, hop_length=H,
 * pad_mode='constant', center=True) → |X|² → librosa.feature.chroma_stft(S, tuning, norm=None)
 * [→ normalize_feature_sequence(norm='2')], written out from the librosa formulas.
 */
import { createRequire } from 'node:module'
import { beforeAll, describe, expect, test } from 'vitest'
import { chromaFilterBank, computeChroma } from '../../../src/core/features'
import { requirePythonModule, runPythonJson } from '../../helpers/python'

const REFERENCE = `
import sys, json, numpy as np
a = json.load(sys.stdin)
x = np.array(a['x'], dtype=np.float64); sr = a['sr']; N = a['N']; H = a['H']; tuning = a['tuning'] / 100.0

def chroma_filter(sr, n_fft, tuning, n_chroma=12, ctroct=5.0, octwidth=2.0):
    freqs = np.linspace(0, sr, n_fft, endpoint=False)[1:]
    a440 = 440.0 * 2.0 ** (tuning / n_chroma)
    frqbins = n_chroma * np.log2(freqs / (a440 / 16))
    frqbins = np.concatenate(([frqbins[0] - 1.5 * n_chroma], frqbins))
    binwidth = np.concatenate((np.maximum(frqbins[1:] - frqbins[:-1], 1.0), [1]))
    D = np.subtract.outer(frqbins, np.arange(0, n_chroma, dtype='d')).T
    half = np.round(float(n_chroma) / 2)
    D = np.remainder(D + half + 10 * n_chroma, n_chroma) - half
    w = np.exp(-0.5 * (2 * D / np.tile(binwidth, (n_chroma, 1))) ** 2)
    w = w / np.sqrt(np.sum(w ** 2, axis=0, keepdims=True))
    w *= np.tile(np.exp(-0.5 * (((frqbins / n_chroma - ctroct) / octwidth) ** 2)), (n_chroma, 1))
    w = np.roll(w, -3 * (n_chroma // 12), axis=0)
    return w[:, : int(1 + n_fft / 2)]

win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N) / N)
xp = np.concatenate((np.zeros(N // 2), x, np.zeros(N // 2)))
T = 1 + (len(xp) - N) // H
S = np.empty((N // 2 + 1, T))
for t in range(T):
    S[:, t] = np.abs(np.fft.rfft(xp[t * H : t * H + N] * win)) ** 2
F = chroma_filter(sr, N, tuning)
C = F @ S
print(json.dumps({'C': C.T.ravel().tolist(), 'T': T, 'F': F.ravel().tolist()}))
`

const SR = 22050

function testSignal(seconds: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR))
  let s = 7
  for (let n = 0; n < x.length; n++) {
    s = (s * 16807) % 2147483647
    const t = n / SR
    x[n] =
      0.3 * Math.sin(2 * Math.PI * 196 * t) +
      0.2 * Math.sin(2 * Math.PI * 311.1 * t) * (t > 1 ? 1 : 0) +
      0.15 * Math.sin(2 * Math.PI * 1046.5 * t) +
      0.05 * (s / 2147483647 - 0.5)
  }
  return x
}

describe('fmp pipeline vs a float64 NumPy reference of libfmp/librosa', () => {
  beforeAll(() => requirePythonModule('numpy', 'python3-numpy'))

  test.each([
    [4096, 2048, 0],
    [2048, 512, 0],
    [4096, 2048, 37],
  ])('window %i, hop %i, tuning %i cents: raw chroma within 1e-5 of the frame maximum', (N, H, cents) => {
    const x = testSignal(2.5)
    const ref = runPythonJson<{ C: number[]; T: number; F: number[] }>(REFERENCE, {
      x: Array.from(x),
      sr: SR,
      N,
      H,
      tuning: cents,
    })
    // the filterbank itself (float64 both sides)
    const F = chromaFilterBank(SR, N, cents)
    expect(F.length).toBe(ref.F.length)
    for (let i = 0; i < F.length; i++) expect(Math.abs(F[i]! - ref.F[i]!)).toBeLessThan(1e-12)
    const c = computeChroma(x, SR, { pipeline: 'fmp', windowSize: N, hopSize: H, tuning: cents })
    expect(c.frames).toBe(ref.T)
    expect(c.tuningCents).toBe(cents)
    for (let t = 0; t < c.frames; t++) {
      let max = 0
      for (let k = 0; k < 12; k++) max = Math.max(max, ref.C[12 * t + k]!)
      for (let k = 0; k < 12; k++)
        expect(Math.abs(c.data[12 * t + k]! - ref.C[12 * t + k]!)).toBeLessThanOrEqual(1e-5 * max)
    }
    // explicit post-processing steps
    const n = computeChroma(x, SR, {
      pipeline: 'fmp',
      windowSize: N,
      hopSize: H,
      tuning: cents,
      norm: 'l2',
      logGamma: 10,
    })
    for (let t = 0; t < c.frames; t++) {
      const v = Array.from(c.data.subarray(12 * t, 12 * t + 12), (a) => Math.log1p(10 * a))
      const s = Math.hypot(...v)
      for (let k = 0; k < 12; k++) expect(n.data[12 * t + k]!).toBeCloseTo(v[k]! / s, 5)
    }
  })

  test("meyda's createChromaFilterBank is the same filter up to its bin-width floor bug", () => {
    const require = createRequire(import.meta.url)
    const { createChromaFilterBank } = require('meyda/dist/node/utilities.js') as {
      createChromaFilterBank: (n: number, sr: number, size: number) => number[][]
    }
    const N = 4096
    const m = createChromaFilterBank(12, SR, N)
    const F = chromaFilterBank(SR, N, 0)
    const nb = N / 2 + 1
    // below ~93 Hz FFT bins are wider than one chroma bin, so max(width, 1) does nothing there and
    // meyda's bank matches; above it meyda's bumps are narrower (the floor of 1 is lost)
    const k93 = Math.floor(93 / (SR / N))
    let diffAbove = 0
    for (let c = 0; c < 12; c++) {
      for (let k = 1; k < k93; k++) expect(m[c]![k]!).toBeCloseTo(F[c * nb + k]!, 10)
      for (let k = k93 + 5; k < nb - 1; k++)
        diffAbove = Math.max(diffAbove, Math.abs(m[c]![k]! - F[c * nb + k]!))
    }
    expect(diffAbove).toBeGreaterThan(0.01)
  })
})
