/**
 * Harder copies of the dev corpus for the alignment benchmark (run by bench/make-hard-corpus.mjs,
 * which bundles this file). Real commercial recordings have what rendered MIDI lacks; each variant
 * adds one thing (so its cost can be read off), `real` adds them all:
 *
 * | variant | what |
 * |---|---|
 * | `hard` | detune ±15–50 cents, tempo drifting piecewise by up to ±6 %, reverb 30–70 %, pink noise at 15–30 dB SNR (the original hard copy, same seeds) |
 * | `vocal` | a synthetic singing voice 0–4 dB above the accompaniment: random melody on the key's scale, non-chord tones, glides, scoops, vibrato, consonants |
 * | `drums` | a loud drum kit (kick, snare, hats, crashes, fills) 0–6 dB above the music on a beat grid from the chord lengths |
 * | `roomtone` | room tone 35–50 dB below the music throughout (pink noise, rumble, mains hum −12…+6 dB against the noise, crackle), and 1.5–4 s more of it before and after: no digital silence |
 * | `crowd` | applause with cheers 6–15 dB below the music in 3–6 s before the music and 4–8 s after it, over room tone |
 * | `fadeout` | the last 6–12 s of music fade linearly in dB to −45 dB (labels unchanged: the chords go on under the fade) |
 * | `livetempo` | a smoothly varying live tempo (±2–5 % slow + ±1–3 % faster swings + a ±4 % trend, WSOLA, pitch kept) |
 * | `real` | all of it: live tempo, voice, drums, detune ±15–50 cents with tape-speed drift ±10 cents, reverb 20–50 %, fade-out, room tone |
 *
 * Labels are re-timed through the exact time maps; every item keeps its `.chords.txt`. Deterministic
 * (seeded by variant and item). Output: `out/hard-corpus/<variant>/` with a manifest in the corpus
 * schema (+ `transform`).
 *
 *   node bench/make-hard-corpus.mjs [--split test|train,val|all] [--variants hard,vocal,…]
 *                                   [--corpus ../shared/data] [--out out/hard-corpus]
 *
 * Needs ffmpeg (decoding with the MP3 encoder delay honoured, as the corpus assumes) and sox.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import {
  applause,
  beatPeriod,
  drums,
  fadeOut,
  type LabSeg,
  melody,
  mixInto,
  musicMask,
  type Rand,
  rms,
  rng,
  roomTone,
  speedDrift,
  uniform,
  voice,
  wsola,
} from './hard-audio'

const root = process.env.CW_BENCH_ROOT ?? resolve(import.meta.dirname, '..')
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1]! : dflt
}
const corpus = resolve(root, arg('--corpus', '../shared/data'))
const outRoot = resolve(root, arg('--out', 'out/hard-corpus'))
const splits = arg('--split', 'test').split(',')
export const VARIANTS = ['hard', 'vocal', 'drums', 'roomtone', 'crowd', 'fadeout', 'livetempo', 'real']
const variants = arg('--variants', VARIANTS.join(',')).split(',')
const SR = 22050

interface Item {
  id: string
  audio: string
  lab: string
  chords: string
  split: string
  duration_s: number
  source: string
  [k: string]: unknown
}

const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 2166136261)
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 })

function readLab(text: string): LabSeg[] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .map(([a, b, label]) => ({ start: Number(a), end: Number(b), label: label! }))
}

/** Decode any corpus file to mono float PCM at SR (ffmpeg honours the MP3 LAME tag). */
function decode(path: string): Float32Array {
  const b = run('ffmpeg', ['-v', 'error', '-i', path, '-ac', '1', '-ar', String(SR), '-f', 'f32le', '-'])
  const out = new Float32Array(b.length / 4)
  new Uint8Array(out.buffer).set(b.subarray(0, out.length * 4))
  return out
}

/** Run sox effects on float PCM (length kept: the effects used here do not move the signal). */
function soxEffects(x: Float32Array, tmp: string, effects: string[]): Float32Array {
  const f = join(tmp, 'fx.f32')
  writeFileSync(f, new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
  const raw = ['-t', 'raw', '-r', String(SR), '-e', 'floating-point', '-b', '32', '-c', '1']
  const b = run('sox', [...raw, f, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-', ...effects])
  const y = new Float32Array(x.length)
  y.set(new Float32Array(b.buffer, b.byteOffset, Math.min(x.length, Math.floor(b.length / 4))).slice())
  return y
}

/** Float PCM → 16-bit FLAC peak-normalised to −1 dBFS. */
function writeFlac(x: Float32Array, tmp: string, path: string): void {
  const f = join(tmp, 'out.f32')
  const wav = join(tmp, 'out.wav')
  writeFileSync(f, new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
  run('sox', [
    '-t',
    'raw',
    '-r',
    String(SR),
    '-e',
    'floating-point',
    '-b',
    '32',
    '-c',
    '1',
    f,
    '-b',
    '16',
    wav,
    'norm',
    '-1',
  ])
  run('sox', [wav, path])
}

const seconds = (f: string) => Number(run('soxi', ['-D', f]).toString().trim())

/** RMS amplitude of a file (sox `stat` prints to stderr). */
function soxRms(f: string): number {
  const r = spawnSync('sox', [f, '-n', 'stat'], { encoding: 'utf8' })
  const m = /RMS\s+amplitude:\s+([0-9.e-]+)/i.exec(r.stderr ?? '')
  if (!m) throw new Error(`sox stat gave no RMS for ${f}: ${r.stderr}`)
  return Number(m[1])
}

/**
 * The original hard copy (bench/make-hard-corpus.mjs before the variants), same recipe and seeds, with
 * one fix: its RMS helper read sox's `stat` from a property that does not exist, so the noise gain was
 * NaN and sox mixed in clipped garbage instead of pink noise at the stated SNR.
 */
function hardVariant(
  it: Item,
  tmp: string,
  outDir: string,
): { lab: LabSeg[]; transform: object; desc: string } {
  const r = rng(hash(it.id))
  const cents = Math.round((r() < 0.5 ? -1 : 1) * (15 + r() * 35))
  const reverb = Math.round(30 + r() * 40)
  const snr = Math.round(15 + r() * 15)
  const pieces = 4
  const tempos = Array.from({ length: pieces }, () => Number((0.94 + r() * 0.12).toFixed(3)))
  const src = join(tmp, `${it.id}.wav`)
  run('ffmpeg', ['-v', 'error', '-y', '-i', join(corpus, it.audio), '-ac', '1', '-ar', String(SR), src])
  const dur = seconds(src)
  const cut = Array.from({ length: pieces + 1 }, (_, i) => (dur * i) / pieces)
  const parts: string[] = []
  for (let i = 0; i < pieces; i++) {
    const p = join(tmp, `${it.id}.p${i}.wav`)
    run('sox', [
      src,
      p,
      'trim',
      String(cut[i]),
      String(cut[i + 1]! - cut[i]!),
      'tempo',
      '-m',
      String(tempos[i]),
    ])
    parts.push(p)
  }
  const drift = join(tmp, `${it.id}.drift.wav`)
  run('sox', [...parts, drift])
  const pieceOut = parts.map((p) => seconds(p))
  const newStart = [0]
  for (const d of pieceOut) newStart.push(newStart[newStart.length - 1]! + d)
  const mapTime = (t: number) => {
    const i = Math.min(pieces - 1, Math.max(0, Math.floor((t / dur) * pieces)))
    const frac = (t - cut[i]!) / (cut[i + 1]! - cut[i]!)
    return newStart[i]! + frac * pieceOut[i]!
  }
  const wet = join(tmp, `${it.id}.wet.wav`)
  run('sox', [drift, wet, 'pitch', String(cents), 'reverb', String(reverb), '50', '80', 'norm', '-3'])
  const total = seconds(wet)
  const sig = soxRms(wet)
  const noise = join(tmp, `${it.id}.noise.wav`)
  const level = sig / 10 ** (snr / 20)
  run('sox', ['-n', '-r', String(SR), '-c', '1', '-b', '16', noise, 'synth', String(total), 'pinknoise'])
  const nr = soxRms(noise)
  const audio = join(outDir, dirname(it.audio), `${it.id}.flac`)
  // mixed to WAV first: sox's FLAC writer can leave a STREAMINFO length the data does not hold
  const mixed = join(tmp, `${it.id}.mix.wav`)
  run('sox', ['-m', '-v', '1', wet, '-v', String(level / nr), noise, mixed, 'norm', '-1'])
  run('sox', [mixed, audio])
  const lab = readLab(readFileSync(join(corpus, it.lab), 'utf8')).map((s) => ({
    start: mapTime(s.start),
    end: mapTime(s.end),
    label: s.label,
  }))
  return {
    lab,
    transform: { cents, tempos, reverb, snrDb: snr },
    desc: `detune ${cents > 0 ? '+' : ''}${cents} cents, tempo pieces ${tempos.join('/')}, reverb ${reverb} %, pink noise at ${snr} dB SNR`,
  }
}

/** A smooth live-tempo curve over [0, dur]: rate(t) = g·(1 + slow + fast swings + trend). */
function liveTempo(r: Rand, dur: number) {
  const g = uniform(r, 0.96, 1.04)
  const A1 = uniform(r, 0.02, 0.05)
  const P1 = uniform(r, 20, 60)
  const A2 = uniform(r, 0.01, 0.03)
  const P2 = uniform(r, 6, 15)
  const trend = uniform(r, -0.04, 0.04)
  const f1 = 2 * Math.PI * r()
  const f2 = 2 * Math.PI * r()
  const rate = (t: number) =>
    g *
    (1 +
      A1 * Math.sin((2 * Math.PI * t) / P1 + f1) +
      A2 * Math.sin((2 * Math.PI * t) / P2 + f2) +
      trend * (t / Math.max(dur, 1) - 0.5))
  return { rate, desc: { global: g, slow: [A1, P1], fast: [A2, P2], trend } }
}

const dB = (g: number) => 10 ** (g / 20)

/** Music span of a lab: first chord start, last chord end [s]. */
function span(lab: LabSeg[]): [number, number] {
  const chords = lab.filter((s) => s.label !== 'N')
  return chords.length ? [chords[0]!.start, chords[chords.length - 1]!.end] : [0, 0]
}

/** Beat times [s] of a steady grid over the music span (period from the chord lengths). */
function beatGrid(lab: LabSeg[]): number[] {
  const [a, b] = span(lab)
  const p = beatPeriod(lab)
  const out: number[] = []
  for (let t = a; t < b; t += p) out.push(t)
  return out
}

function mapLab(lab: LabSeg[], map: (t: number) => number): LabSeg[] {
  return lab.map((s) => ({ start: map(s.start), end: map(s.end), label: s.label }))
}

/** The JS-synthesised variants. */
function synthVariant(
  variant: string,
  it: Item,
  tmp: string,
): { x: Float32Array; lab: LabSeg[]; transform: Record<string, unknown>; desc: string } {
  const r = rng(hash(`${variant}:${it.id}`))
  let x = decode(join(corpus, it.audio))
  let lab = readLab(readFileSync(join(corpus, it.lab), 'utf8'))
  const music = () => rms(x, musicMask(lab, SR)) || rms(x)
  const t: Record<string, unknown> = {}
  const desc: string[] = []
  const all = variant === 'real'

  if (variant === 'livetempo' || all) {
    const lt = liveTempo(r, x.length / SR)
    const w = wsola(x, SR, lt.rate)
    x = w.y
    lab = mapLab(lab, w.map)
    t.liveTempo = lt.desc
    desc.push(
      `live tempo ×${lt.desc.global.toFixed(3)} ± ${((lt.desc.slow[0]! + lt.desc.fast[0]!) * 100).toFixed(1)} %`,
    )
  }
  if (variant === 'vocal' || all) {
    const range: [number, number] = r() < 0.5 ? [48, 67] : [57, 76]
    const notes = melody(lab, r, range)
    const v = voice(notes, x.length, SR, r)
    const g = uniform(r, 0, all ? 3 : 4)
    mixInto(x, v, music() * dB(g))
    const nct = notes.filter((n) => !n.chordTone).length / Math.max(1, notes.length)
    t.voice = { range, notes: notes.length, nonChordTones: Number(nct.toFixed(2)), db: Number(g.toFixed(1)) }
    desc.push(`voice ${range.join('–')} +${g.toFixed(1)} dB (${(nct * 100).toFixed(0)} % non-chord tones)`)
  }
  if (variant === 'drums' || all) {
    const d = drums(beatGrid(lab), x.length, SR, r)
    const g = all ? uniform(r, -3, 3) : uniform(r, 0, 6)
    mixInto(x, d, music() * dB(g))
    t.drums = { db: Number(g.toFixed(1)), beat: Number(beatPeriod(lab).toFixed(3)) }
    desc.push(`drums ${g >= 0 ? '+' : ''}${g.toFixed(1)} dB`)
  }
  if (all) {
    const cents = Math.round((r() < 0.5 ? -1 : 1) * uniform(r, 15, 50))
    const reverb = Math.round(uniform(r, 20, 50))
    x = soxEffects(x, tmp, ['pitch', String(cents), 'reverb', String(reverb), '50', '80'])
    const sd = speedDrift(x, SR, 10, r)
    x = sd.y
    lab = mapLab(lab, sd.map)
    t.detune = cents
    t.reverb = reverb
    t.speedDriftCents = 10
    desc.push(`detune ${cents > 0 ? '+' : ''}${cents} ¢ ± 10 ¢ drift, reverb ${reverb} %`)
  }
  if (variant === 'fadeout' || all) {
    const [a, b] = span(lab)
    const F = Math.min(uniform(r, 6, 12), (b - a) / 2)
    fadeOut(x, SR, b - F, b, -45)
    // music after the last chord (POP909 outros labelled N) is faded away with it
    t.fade = { seconds: Number(F.toFixed(2)), depthDb: -45 }
    desc.push(`fade-out over ${F.toFixed(1)} s`)
  }
  if (variant === 'roomtone' || variant === 'crowd' || all) {
    const level = music()
    const pre = variant === 'crowd' ? uniform(r, 3, 6) : uniform(r, 1.5, 4)
    const post = variant === 'crowd' ? uniform(r, 4, 8) : uniform(r, 1.5, 4)
    const a = Math.round(pre * SR)
    const y = new Float32Array(a + x.length + Math.round(post * SR))
    y.set(x, a)
    x = y
    lab = lab.map((s) => ({ start: s.start + pre, end: s.end + pre, label: s.label }))
    lab[0]!.start = 0
    lab[lab.length - 1]!.end = x.length / SR
    const roomDb = variant === 'crowd' ? -45 : -uniform(r, 35, 50)
    mixInto(x, roomTone(x.length, SR, r), level * dB(roomDb))
    t.roomTone = {
      db: Number(roomDb.toFixed(1)),
      preRoll: Number(pre.toFixed(2)),
      postRoll: Number(post.toFixed(2)),
    }
    desc.push(`room tone ${roomDb.toFixed(0)} dB, ${pre.toFixed(1)} s before, ${post.toFixed(1)} s after`)
    if (variant === 'crowd') {
      const [m0, m1] = span(lab)
      const g = -uniform(r, 6, 15)
      mixInto(x, applause(x.length, SR, 0.2, m0, r), level * dB(g))
      mixInto(x, applause(x.length, SR, m1, x.length / SR, r), level * dB(g))
      t.applauseDb = Number(g.toFixed(1))
      desc.push(`applause ${g.toFixed(0)} dB before and after`)
    }
  }
  lab[lab.length - 1]!.end = x.length / SR
  return { x, lab, transform: t, desc: desc.join(', ') }
}

function main() {
  if (!existsSync(join(corpus, 'manifest.json'))) {
    process.stderr.write(`make-hard-corpus: ${corpus}/manifest.json not found\n`)
    process.exit(1)
  }
  const items = (
    JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { items: Item[] }
  ).items.filter((it) => splits.includes('all') || splits.includes(it.split))
  for (const variant of variants) {
    if (!VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant} (${VARIANTS.join(', ')})`)
    const outDir = join(outRoot, variant)
    const tmp = join(outDir, '.tmp')
    mkdirSync(tmp, { recursive: true })
    const manifestPath = join(outDir, 'manifest.json')
    // keep items of other splits built earlier
    const kept = existsSync(manifestPath)
      ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { items: Item[] }).items.filter(
          (x) => !items.some((it) => it.id === x.id),
        )
      : []
    const out: Item[] = [...kept]
    const t0 = Date.now()
    for (const it of items) {
      mkdirSync(join(outDir, dirname(it.audio)), { recursive: true })
      const audio = join(dirname(it.audio), `${it.id}.flac`)
      let lab: LabSeg[]
      let transform: object
      let desc: string
      if (variant === 'hard') ({ lab, transform, desc } = hardVariant(it, tmp, outDir))
      else {
        const v = synthVariant(variant, it, tmp)
        writeFlac(v.x, tmp, join(outDir, audio))
        ;({ lab, transform, desc } = v)
      }
      const duration = seconds(join(outDir, audio))
      lab[lab.length - 1]!.end = duration
      writeFileSync(
        join(outDir, it.lab),
        lab.map((s) => `${s.start.toFixed(6)}\t${s.end.toFixed(6)}\t${s.label}\n`).join(''),
      )
      writeFileSync(join(outDir, it.chords), readFileSync(join(corpus, it.chords)))
      out.push({
        ...it,
        audio,
        source: `${it.source}; ${variant}: ${desc}`,
        duration_s: Number(duration.toFixed(6)),
        sample_rate: SR,
        transform: { variant, ...transform },
      })
      process.stderr.write(`${variant} ${it.id}: ${desc}\n`)
    }
    rmSync(tmp, { recursive: true, force: true })
    out.sort((a, b) => (a.id < b.id ? -1 : 1))
    writeFileSync(manifestPath, `${JSON.stringify({ items: out }, null, 1)}\n`)
    process.stderr.write(
      `${variant}: ${items.length} items → ${outDir} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
    )
  }
}

main()
