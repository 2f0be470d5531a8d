/**
 * Synthesis of what real recordings have and rendered MIDI does not, for the harder benchmark corpus
 * (bench/hard-corpus.ts): a sung-range voice (vibrato, glides, scoops, non-chord tones, consonants),
 * a loud drum kit, room tone (pink noise, rumble, mains hum, crackle), a crowd (applause, cheers),
 * a fade-out, and live tempo (WSOLA time stretching along a smooth tempo curve, with the exact time
 * map for re-timing labels). Deterministic for a given random source. Mono, any sample rate.
 */
import { parseHarte } from '../src/core/chords'

export type Rand = () => number

/** mulberry32 */
export function rng(seed: number): Rand {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
export const uniform = (r: Rand, lo: number, hi: number) => lo + (hi - lo) * r()
export function gauss(r: Rand): number {
  const u = Math.max(1e-12, r())
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r())
}

export interface LabSeg {
  start: number
  end: number
  label: string
}

/** Root-mean-square of x over the samples where mask (if given) is true. */
export function rms(x: Float32Array, mask?: (i: number) => boolean): number {
  let s = 0
  let n = 0
  for (let i = 0; i < x.length; i++)
    if (!mask || mask(i)) {
      s += x[i]! * x[i]!
      n++
    }
  return n > 0 ? Math.sqrt(s / n) : 0
}

/** Sample mask of the chord (non-N) segments of a lab. */
export function musicMask(lab: LabSeg[], sr: number): (i: number) => boolean {
  const spans = lab.filter((s) => s.label !== 'N').map((s) => [s.start * sr, s.end * sr] as const)
  return (i) => {
    for (const [a, b] of spans) if (i >= a && i < b) return true
    return false
  }
}

/** x += g·y (y may be shorter). */
export function mixInto(x: Float32Array, y: Float32Array, g: number, offset = 0): void {
  const n = Math.min(y.length, x.length - offset)
  for (let i = 0; i < n; i++) x[offset + i]! += g * y[i]!
}

/** Pink noise (Paul Kellet's refined filter), unit-ish RMS. */
export function pinkNoise(n: number, r: Rand): Float32Array {
  const y = new Float32Array(n)
  let b0 = 0
  let b1 = 0
  let b2 = 0
  let b3 = 0
  let b4 = 0
  let b5 = 0
  let b6 = 0
  for (let i = 0; i < n; i++) {
    const w = 2 * r() - 1
    b0 = 0.99886 * b0 + w * 0.0555179
    b1 = 0.99332 * b1 + w * 0.0750759
    b2 = 0.969 * b2 + w * 0.153852
    b3 = 0.8665 * b3 + w * 0.3104856
    b4 = 0.55 * b4 + w * 0.5329522
    b5 = -0.7616 * b5 - w * 0.016898
    y[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362
    b6 = w * 0.115926
  }
  const g = 1 / (rms(y) || 1)
  for (let i = 0; i < n; i++) y[i]! *= g
  return y
}

/** Two-pole resonator (band-pass) in place: centre f [Hz], bandwidth bw [Hz]. */
function resonate(x: Float32Array, sr: number, f: number, bw: number): Float32Array {
  const R = Math.exp((-Math.PI * bw) / sr)
  const a1 = 2 * R * Math.cos((2 * Math.PI * f) / sr)
  const a2 = -R * R
  const g = 1 - R
  let y1 = 0
  let y2 = 0
  for (let i = 0; i < x.length; i++) {
    const y = g * x[i]! + a1 * y1 + a2 * y2
    y2 = y1
    y1 = y
    x[i] = y
  }
  return x
}

/** One-pole low-pass in place, cutoff f [Hz]. */
function lowpass(x: Float32Array, sr: number, f: number): Float32Array {
  const a = Math.exp((-2 * Math.PI * f) / sr)
  let y = 0
  for (let i = 0; i < x.length; i++) x[i] = y = (1 - a) * x[i]! + a * y
  return x
}

/** First difference (a gentle high-pass) in place. */
function diff(x: Float32Array): Float32Array {
  let prev = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!
    x[i] = v - prev
    prev = v
  }
  return x
}

// ---------------------------------------------------------------------------------------------------
// Voice

/** Formants (F1, F2, F3 [Hz]) of five vowels, roughly a e i o u of an average adult voice. */
const VOWELS: [number, number, number][] = [
  [750, 1200, 2600],
  [500, 1800, 2500],
  [300, 2200, 3000],
  [500, 900, 2500],
  [330, 800, 2400],
]

/** Duration-weighted pitch-class histogram of a lab's chords → the best-fitting major scale (7 pcs). */
export function scaleOf(lab: LabSeg[]): number[] {
  const h = new Float64Array(12)
  for (const s of lab) {
    if (s.label === 'N' || s.label === 'X') continue
    for (const p of parseHarte(s.label).pcs) h[p]! += s.end - s.start
  }
  const major = [0, 2, 4, 5, 7, 9, 11]
  let best = 0
  let bestScore = -1
  for (let k = 0; k < 12; k++) {
    const sc = major.reduce((a, d) => a + h[(k + d) % 12]!, 0)
    if (sc > bestScore) {
      bestScore = sc
      best = k
    }
  }
  return major.map((d) => (best + d) % 12).sort((a, b) => a - b)
}

export interface Note {
  start: number
  dur: number
  midi: number
  /** first note of a phrase */
  phraseStart: boolean
  /** last note of a phrase */
  phraseEnd: boolean
  chordTone: boolean
}

/**
 * A random sung melody over the lab's chord segments: phrases of 2–6 s separated by 0.4–2 s rests,
 * notes of ~0.15–0.9 s on the key's major scale, long notes mostly on chord tones, short ones
 * stepwise (passing and neighbour tones, i.e. non-chord tones).
 */
export function melody(lab: LabSeg[], r: Rand, range: [number, number]): Note[] {
  const chords = lab.filter((s) => s.label !== 'N' && s.label !== 'X')
  if (chords.length === 0) return []
  const scale = scaleOf(lab)
  const t0 = chords[0]!.start
  const t1 = chords[chords.length - 1]!.end
  const chordAt = (t: number) => {
    const s = chords.find((c) => t >= c.start && t < c.end)
    return s ? parseHarte(s.label).pcs : null
  }
  const inScale = (m: number) => scale.includes(((m % 12) + 12) % 12)
  const [lo, hi] = range
  const notes: Note[] = []
  let p = Math.round((lo + hi) / 2)
  while (!inScale(p)) p++
  let t = t0 + uniform(r, 0, 1)
  while (t < t1 - 1) {
    const end = Math.min(t1, t + uniform(r, 2, 6))
    let tt = t
    let first = true
    while (tt < end - 0.1) {
      const d = Math.min(end - tt, Math.exp(Math.log(0.35) + 0.5 * gauss(r)), 0.9)
      if (d < 0.1) break
      const pcs = chordAt(tt + 0.02)
      const wantChordTone = d >= 0.3 ? r() < 0.75 : r() < 0.3
      let next = p
      if (wantChordTone && pcs) {
        // nearest chord tone to a small random step
        const aim = p + Math.round(gauss(r) * 2)
        let bestD = 99
        for (let m = lo; m <= hi; m++)
          if (pcs.includes(m % 12) && Math.abs(m - aim) < bestD) {
            bestD = Math.abs(m - aim)
            next = m
          }
      } else {
        // one or two scale steps up or down
        const steps = (r() < 0.5 ? -1 : 1) * (r() < 0.75 ? 1 : 2)
        let m = p
        for (let k = 0; k < Math.abs(steps); k++) {
          m += Math.sign(steps)
          while (!inScale(m)) m += Math.sign(steps)
        }
        next = m
      }
      if (next < lo || next > hi) next = p + (p < (lo + hi) / 2 ? 2 : -2)
      while (!inScale(next)) next += next < (lo + hi) / 2 ? 1 : -1
      p = next
      notes.push({
        start: tt,
        dur: d,
        midi: p,
        phraseStart: first,
        phraseEnd: false,
        chordTone: !!pcs && pcs.includes(((p % 12) + 12) % 12),
      })
      first = false
      tt += d
    }
    if (notes.length) notes[notes.length - 1]!.phraseEnd = true
    t = tt + uniform(r, 0.4, 2)
  }
  return notes
}

/**
 * A synthetic singing voice for the notes: harmonic source (≈ 1/k^0.8) through vowel formants that
 * change per note, glides between notes (exponential approach, τ 30–90 ms), scoops into phrase
 * starts, vibrato (5–6.5 Hz, ±20–60 cents, fading in after 150 ms), slow pitch drift, legato
 * amplitude with dips between notes, and sibilant noise at some onsets. Unit RMS over sung samples.
 */
export function voice(notes: Note[], n: number, sr: number, r: Rand): Float32Array {
  const y = new Float32Array(n)
  if (notes.length === 0) return y
  const vibRate = uniform(r, 5, 6.5)
  const vibDepth = uniform(r, 0.2, 0.6) // semitones
  const tau = uniform(r, 0.03, 0.09)
  const fmax = Math.min(5000, sr * 0.45)
  const K = 64
  const phase = new Float64Array(K + 1)
  const amp = new Float64Array(K + 1)
  let pitch = notes[0]!.midi - 1
  let drift = 0
  let vibPhase = 0
  const block = 64
  // group notes into phrases
  let ni = 0
  while (ni < notes.length) {
    let nj = ni
    while (nj < notes.length && !notes[nj]!.phraseEnd) nj++
    const phrase = notes.slice(ni, nj + 1)
    ni = nj + 1
    const a = Math.floor(phrase[0]!.start * sr)
    const last = phrase[phrase.length - 1]!
    const b = Math.min(n, Math.floor((last.start + last.dur + 0.12) * sr))
    pitch = phrase[0]!.midi - uniform(r, 0.5, 1.2) // scoop
    let formants = VOWELS[Math.floor(r() * VOWELS.length)]!.slice()
    let target = formants.slice()
    let k = 0
    let noteStartSample = a
    for (let i0 = a; i0 < b; i0 += block) {
      const t = i0 / sr
      while (k + 1 < phrase.length && t >= phrase[k + 1]!.start) {
        k++
        noteStartSample = Math.floor(phrase[k]!.start * sr)
        target = VOWELS[Math.floor(r() * VOWELS.length)]!.slice()
        if (r() < 0.4) {
          // sibilant consonant at the onset
          const len = Math.floor(uniform(r, 0.03, 0.06) * sr)
          const burst = diff(diff(Float32Array.from({ length: len }, () => 2 * r() - 1)))
          for (let j = 0; j < len && i0 + j < n; j++)
            y[i0 + j]! += 0.05 * burst[j]! * Math.sin((Math.PI * j) / len)
        }
      }
      const note = phrase[k]!
      const inNote = t - note.start
      const blockDt = block / sr
      pitch += (note.midi - pitch) * (1 - Math.exp(-blockDt / tau))
      drift = 0.995 * drift + 0.01 * gauss(r)
      for (let f = 0; f < 3; f++)
        formants[f]! += (target[f]! - formants[f]!) * (1 - Math.exp(-blockDt / 0.04))
      const vib = vibDepth * Math.min(1, Math.max(0, (inNote - 0.15) / 0.2))
      // amplitude: attack at the phrase start, dips between notes, release at the phrase end
      const sinceStart = (i0 - a) / sr
      const untilEnd = (b - i0) / sr
      let env = Math.min(1, sinceStart / 0.06, untilEnd / 0.12)
      const sinceNote = (i0 - noteStartSample) / sr
      if (k > 0) env *= 0.65 + 0.35 * Math.min(1, sinceNote / 0.05)
      // harmonic amplitudes for this block: source roll-off × formant resonances
      const f0mid = 440 * 2 ** ((pitch - 69) / 12)
      const Kb = Math.min(K, Math.floor(fmax / f0mid))
      for (let h = 1; h <= Kb; h++) {
        const fh = h * f0mid
        let g = 0.15
        for (let f = 0; f < 3; f++) {
          const bw = 80 + 40 * f
          g += (f === 0 ? 1 : f === 1 ? 0.7 : 0.4) * Math.exp(-((fh - formants[f]!) ** 2) / (2 * bw * bw))
        }
        amp[h] = (env * g) / h ** 0.8
      }
      const i1 = Math.min(b, i0 + block)
      for (let i = i0; i < i1; i++) {
        vibPhase += (2 * Math.PI * vibRate) / sr
        const m = pitch + drift * 0.1 + vib * Math.sin(vibPhase)
        const w = (2 * Math.PI * 440 * 2 ** ((m - 69) / 12)) / sr
        let v = 0
        for (let h = 1; h <= Kb; h++) {
          phase[h]! += h * w
          v += amp[h]! * Math.sin(phase[h]!)
        }
        y[i]! += v
      }
      if (phase[1]! > 1e6) for (let h = 1; h <= K; h++) phase[h] = phase[h]! % (2 * Math.PI)
    }
    formants = target
  }
  const sung = (i: number) => y[i] !== 0
  const g = 1 / (rms(y, sung) || 1)
  for (let i = 0; i < n; i++) y[i]! *= g
  return y
}

// ---------------------------------------------------------------------------------------------------
// Drums

/** Beat period [s] from the median chord length: halved or doubled into [0.4, 0.8) s. */
export function beatPeriod(lab: LabSeg[]): number {
  const d = lab
    .filter((s) => s.label !== 'N')
    .map((s) => s.end - s.start)
    .sort((a, b) => a - b)
  let p = d.length ? d[d.length >> 1]! : 0.5
  while (p >= 0.8) p /= 2
  while (p < 0.4) p *= 2
  return p
}

function decayBuffer(sr: number, seconds: number, fn: (t: number, i: number) => number): Float32Array {
  const n = Math.floor(seconds * sr)
  return Float32Array.from({ length: n }, (_, i) => fn(i / sr, i))
}

/**
 * A rock/pop drum kit on a steady beat grid (kick 1 and 3, snare 2 and 4, eighth-note hi-hats, open
 * hats, a crash every eight bars, fills every few bars), humanised ±8 ms. `beats` are beat times [s]
 * of the output (mapped through any tempo change by the caller). Unit RMS over the drummed span.
 */
export function drums(beats: number[], n: number, sr: number, r: Rand): Float32Array {
  const y = new Float32Array(n)
  if (beats.length < 2) return y
  const kickHz = uniform(r, 45, 62)
  let kp = 0
  const kick = decayBuffer(sr, 0.35, (t) => {
    const f = kickHz + (120 - kickHz) * Math.exp(-t / 0.03)
    kp += (2 * Math.PI * f) / sr
    return Math.sin(kp) * Math.exp(-t / 0.12) + (t < 0.004 ? 0.4 * (2 * r() - 1) : 0)
  })
  const snareTone = uniform(r, 170, 230)
  const snareNoise = resonate(
    Float32Array.from({ length: Math.floor(0.25 * sr) }, () => 2 * r() - 1),
    sr,
    uniform(r, 1500, 3000),
    2500,
  )
  const snare = decayBuffer(
    sr,
    0.25,
    (t, i) =>
      6 * snareNoise[i]! * Math.exp(-t / 0.07) +
      0.5 * Math.sin(2 * Math.PI * snareTone * t) * Math.exp(-t / 0.05),
  )
  const hatNoise = diff(diff(Float32Array.from({ length: Math.floor(0.4 * sr) }, () => 2 * r() - 1)))
  const hat = decayBuffer(sr, 0.06, (t, i) => 0.25 * hatNoise[i]! * Math.exp(-t / 0.02))
  const openHat = decayBuffer(sr, 0.4, (t, i) => 0.2 * hatNoise[i]! * Math.exp(-t / 0.15))
  const crashNoise = diff(Float32Array.from({ length: Math.floor(1.6 * sr) }, () => 2 * r() - 1))
  const crash = decayBuffer(sr, 1.6, (t, i) => 0.35 * crashNoise[i]! * Math.exp(-t / 0.6))
  const toms = [100, 140, 190].map((f0) => {
    let ph = 0
    return decayBuffer(sr, 0.3, (t) => {
      ph += (2 * Math.PI * f0 * (1 + 0.5 * Math.exp(-t / 0.02))) / sr
      return 0.8 * Math.sin(ph) * Math.exp(-t / 0.12)
    })
  })
  const hit = (buf: Float32Array, t: number, vel: number) => {
    const i = Math.round((t + 0.008 * gauss(r)) * sr)
    if (i >= 0) mixInto(y, buf, vel, i)
  }
  for (let b = 0; b + 1 < beats.length; b++) {
    const t = beats[b]!
    const dt = beats[b + 1]! - t
    const beatInBar = b % 4
    const bar = Math.floor(b / 4)
    const fill = bar % 4 === 3 && beatInBar === 3 && r() < 0.6
    const vel = () => uniform(r, 0.8, 1)
    if (beatInBar === 0 && bar % 8 === 0) hit(crash, t, vel())
    if (fill) {
      for (let s = 0; s < 4; s++) hit(s < 2 ? snare : toms[s - 1]!, t + (s * dt) / 4, 0.8 * vel())
      continue
    }
    if (beatInBar === 0 || beatInBar === 2) hit(kick, t, vel())
    if (beatInBar === 2 && r() < 0.3) hit(kick, t + dt / 2, 0.8 * vel())
    if (beatInBar === 1 || beatInBar === 3) hit(snare, t, vel())
    hit(hat, t, vel())
    hit(beatInBar === 3 && r() < 0.25 ? openHat : hat, t + dt / 2, 0.7 * vel())
  }
  const a = Math.floor(beats[0]! * sr)
  const e = Math.min(n, Math.floor(beats[beats.length - 1]! * sr))
  const g = 1 / (rms(y, (i) => i >= a && i < e) || 1)
  for (let i = 0; i < n; i++) y[i]! *= g
  return y
}

// ---------------------------------------------------------------------------------------------------
// Room tone and crowd

/**
 * Room tone / noisy silence: pink noise, low rumble, mains hum (50 or 60 Hz with harmonics, from 12 dB
 * below the noise to 6 dB above it: inaudible in some recordings, dominant in others) and sparse
 * crackle (2–10 clicks/s). Unit RMS. The hum's harmonics fold into a chord-like chroma (50 Hz: G, B,
 * D), so such silence is not flat.
 */
export function roomTone(n: number, sr: number, r: Rand): Float32Array {
  const y = pinkNoise(n, r)
  const rumble = lowpass(
    lowpass(
      Float32Array.from({ length: n }, () => 2 * r() - 1),
      sr,
      60,
    ),
    sr,
    60,
  )
  const rg = uniform(r, 0.3, 1) / (rms(rumble) || 1)
  mixInto(y, rumble, rg)
  const mains = r() < 0.5 ? 50 : 60
  const humDb = uniform(r, -12, 6)
  const hAmps = [1, 0.5, 0.7, 0.3, 0.2, 0.1].map((a) => a * uniform(r, 0.5, 1.5))
  const hNorm = Math.sqrt(hAmps.reduce((s, a) => s + (a * a) / 2, 0))
  const hg = 10 ** (humDb / 20) / hNorm
  const phases = hAmps.map(() => 2 * Math.PI * r())
  for (let i = 0; i < n; i++) {
    let v = 0
    for (let h = 0; h < hAmps.length; h++)
      v += hAmps[h]! * Math.sin((2 * Math.PI * mains * (h + 1) * i) / sr + phases[h]!)
    y[i]! += hg * v
  }
  const rate = uniform(r, 2, 10)
  for (let i = 0; i < n; i++)
    if (r() < rate / sr) {
      const a = 3 * -Math.log(Math.max(1e-9, r())) * (r() < 0.5 ? -1 : 1)
      for (let j = 0; j < 30 && i + j < n; j++) y[i + j]! += a * Math.exp(-j / 4)
    }
  const g = 1 / (rms(y) || 1)
  for (let i = 0; i < n; i++) y[i]! *= g
  return y
}

/**
 * Applause with a few cheers (pitched glides, 300–700 Hz) in [t0, t1] [s]: claps are resonant noise
 * bursts (800–3000 Hz) at 30–80 per second, swelling in over 1 s and dying away over 2 s. Unit RMS
 * over the span.
 */
export function applause(n: number, sr: number, t0: number, t1: number, r: Rand): Float32Array {
  const y = new Float32Array(n)
  const a = Math.max(0, Math.floor(t0 * sr))
  const b = Math.min(n, Math.floor(t1 * sr))
  if (b - a < sr * 0.5) return y
  const density = uniform(r, 30, 80)
  const clapLen = Math.floor(0.05 * sr)
  for (let i = a; i < b; i++) {
    const t = (i - a) / sr
    const env = Math.min(1, t / 1, (b - i) / sr / 2)
    if (r() < (density * env) / sr) {
      const c = resonate(
        Float32Array.from({ length: clapLen }, (_, j) => (2 * r() - 1) * Math.exp(-j / (0.008 * sr))),
        sr,
        uniform(r, 800, 3000),
        uniform(r, 400, 1500),
      )
      mixInto(y, c, uniform(r, 0.5, 1.5), i)
    }
  }
  const cheers = Math.floor(uniform(r, 1, 4))
  for (let c = 0; c < cheers; c++) {
    const s = uniform(r, t0 + 0.3, Math.max(t0 + 0.4, t1 - 1.5))
    const d = uniform(r, 0.5, 1.5)
    const f0 = uniform(r, 300, 700)
    let ph = 0
    const i0 = Math.floor(s * sr)
    for (let i = i0; i < Math.min(b, i0 + d * sr); i++) {
      const t = (i - i0) / sr
      const f = f0 * (1 + 0.3 * Math.sin((Math.PI * t) / d))
      ph += (2 * Math.PI * f) / sr
      const env = Math.sin((Math.PI * t) / d)
      y[i]! += 0.05 * env * (Math.sin(ph) + 0.5 * Math.sin(2 * ph) + 0.25 * Math.sin(3 * ph))
    }
  }
  const g = 1 / (rms(y, (i) => i >= a && i < b) || 1)
  for (let i = 0; i < n; i++) y[i]! *= g
  return y
}

// ---------------------------------------------------------------------------------------------------
// Fade-out

/** Fade the music out over [t0, t1] [s], linear in dB from 0 to `depthDb` (< 0), silent after t1. */
export function fadeOut(x: Float32Array, sr: number, t0: number, t1: number, depthDb: number): void {
  const a = Math.max(0, Math.floor(t0 * sr))
  const b = Math.min(x.length, Math.floor(t1 * sr))
  for (let i = a; i < b; i++) x[i]! *= 10 ** ((depthDb * (i - a)) / (b - a) / 20)
  for (let i = b; i < x.length; i++) x[i] = 0
}

// ---------------------------------------------------------------------------------------------------
// Live tempo: WSOLA

/**
 * WSOLA time stretching with a time-varying tempo: output frame m (hop Hs = N/2, Hann window N ≈ 50 ms)
 * reads the input near a_m, a_m = a_{m−1} + Hs·rate(a_{m−1}), shifted by up to ±10 ms to continue the
 * previous frame's waveform best (cross-correlation). rate > 1 plays faster. Pitch is kept.
 * @returns the output and the time map input [s] → output [s] (piecewise linear through the frame
 *   centres actually used)
 */
export function wsola(
  x: Float32Array,
  sr: number,
  rate: (tIn: number) => number,
): { y: Float32Array; map: (t: number) => number } {
  const N = 2 * Math.round(0.025 * sr)
  const Hs = N / 2
  const tol = Math.round(0.01 * sr)
  const w = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N))
  const pad = N + tol
  const xp = new Float32Array(x.length + 2 * pad)
  xp.set(x, pad)
  const anchorsIn: number[] = []
  const anchorsOut: number[] = []
  let a = 0 // ideal input position (unpadded)
  let prevPos = -1 // padded position of the previous frame actually used
  const frames: number[] = []
  while (a < x.length) {
    const ai = Math.round(a)
    let best = 0
    if (prevPos >= 0) {
      // the natural continuation of the previous frame: xp[prevPos + Hs …]
      const nat = prevPos + Hs
      let bestC = Number.NEGATIVE_INFINITY
      const corr = (d: number, step: number) => {
        let c = 0
        const p = pad + ai + d
        for (let i = 0; i < N; i += step) c += xp[p + i]! * xp[nat + i]!
        return c
      }
      for (let d = -tol; d <= tol; d += 4) {
        const c = corr(d, 4)
        if (c > bestC) {
          bestC = c
          best = d
        }
      }
      const coarse = best
      bestC = Number.NEGATIVE_INFINITY
      for (let d = Math.max(-tol, coarse - 3); d <= Math.min(tol, coarse + 3); d++) {
        const c = corr(d, 1)
        if (c > bestC) {
          bestC = c
          best = d
        }
      }
    }
    const pos = pad + ai + best
    frames.push(pos)
    anchorsIn.push((ai + best + N / 2) / sr)
    anchorsOut.push(((frames.length - 1) * Hs + N / 2) / sr)
    prevPos = pos
    a += Hs * rate(a / sr)
  }
  const y = new Float32Array((frames.length + 1) * Hs)
  frames.forEach((pos, m) => {
    for (let i = 0; i < N; i++) {
      const o = m * Hs + i
      if (o < y.length) y[o]! += w[i]! * xp[pos + i]!
    }
  })
  const map = (t: number) => {
    if (t <= anchorsIn[0]!) return Math.max(0, anchorsOut[0]! + (t - anchorsIn[0]!) / rate(0))
    let lo = 0
    let hi = anchorsIn.length - 1
    if (t >= anchorsIn[hi]!) return anchorsOut[hi]! + (t - anchorsIn[hi]!) / rate(t)
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (anchorsIn[mid]! <= t) lo = mid
      else hi = mid
    }
    const f = (t - anchorsIn[lo]!) / (anchorsIn[hi]! - anchorsIn[lo]! || 1)
    return anchorsOut[lo]! + f * (anchorsOut[hi]! - anchorsOut[lo]!)
  }
  return { y, map }
}

// ---------------------------------------------------------------------------------------------------
// Tape-speed drift

/**
 * Tape-speed drift: the recording plays at a slowly varying speed 2^(c(t)/1200), c a smooth random
 * curve within ±`cents` (pitch and tempo drift together, as on a wobbly tape or turntable). Cubic
 * (Catmull–Rom) interpolation. Returns the output and the input → output time map.
 */
export function speedDrift(
  x: Float32Array,
  sr: number,
  cents: number,
  r: Rand,
): { y: Float32Array; map: (t: number) => number; curve: (t: number) => number } {
  const P1 = uniform(r, 15, 40)
  const P2 = uniform(r, 5, 12)
  const f1 = 2 * Math.PI * r()
  const f2 = 2 * Math.PI * r()
  const curve = (t: number) =>
    cents * (0.7 * Math.sin((2 * Math.PI * t) / P1 + f1) + 0.3 * Math.sin((2 * Math.PI * t) / P2 + f2))
  const out: number[] = []
  const inPos: number[] = [] // input position of every 256th output sample
  let p = 0
  const at = (i: number) => x[Math.min(x.length - 1, Math.max(0, i))]!
  for (let j = 0; p < x.length - 1; j++) {
    if (j % 256 === 0) inPos.push(p)
    const i = Math.floor(p)
    const f = p - i
    const y0 = at(i - 1)
    const y1 = at(i)
    const y2 = at(i + 1)
    const y3 = at(i + 2)
    out.push(y1 + 0.5 * f * (y2 - y0 + f * (2 * y0 - 5 * y1 + 4 * y2 - y3 + f * (3 * (y1 - y2) + y3 - y0))))
    p += 2 ** (curve(p / sr) / 1200)
  }
  const map = (t: number) => {
    const s = t * sr
    let lo = 0
    let hi = inPos.length - 1
    if (s >= inPos[hi]!) return (hi * 256 + (s - inPos[hi]!)) / sr
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (inPos[mid]! <= s) lo = mid
      else hi = mid
    }
    return (lo * 256 + (256 * (s - inPos[lo]!)) / (inPos[hi]! - inPos[lo]!)) / sr
  }
  return { y: Float32Array.from(out), map, curve }
}
