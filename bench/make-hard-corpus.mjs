// Builds a harder copy of the dev corpus for the alignment benchmark: each item is detuned by ±15–50
// cents, its tempo drifts (piecewise tempo changes of up to ±6 %, labels re-timed to match), it gets
// reverb and pink noise at 15–30 dB SNR. Real commercial recordings have all of these; the rendered
// MIDI of ../shared/data has none. Deterministic (seeded per item), written to out/hard-corpus/
// (ignored by git) with its own manifest.json in the corpus schema.
//
//   node bench/make-hard-corpus.mjs [--split test|all] [--corpus ../shared/data] [--out out/hard-corpus]
//
// Needs ffmpeg (decoding with the MP3 encoder delay honoured, as the corpus assumes) and sox.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : dflt
}
const corpus = resolve(root, arg('--corpus', '../shared/data'))
const outDir = resolve(root, arg('--out', 'out/hard-corpus'))
const split = arg('--split', 'test')
const SR = 22050

/** mulberry32 */
function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const hash = (s) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 2166136261)
const run = (cmd, args) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }).toString()
const seconds = (f) => Number(run('soxi', ['-D', f]).trim())
const rms = (f) => {
  const m = /RMS\s+amplitude:\s+([0-9.e-]+)/i.exec(
    execFileSync('sox', [f, '-n', 'stat'], { stdio: ['ignore', 'pipe', 'pipe'] }).stderr?.toString() ?? '',
  )
  return m ? Number(m[1]) : Number.NaN
}
function soxStat(f) {
  try {
    execFileSync('sox', [f, '-n', 'stat'], { stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    return e.stderr.toString()
  }
  return ''
}

function readLab(text) {
  return text
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .map(([a, b, label]) => ({ start: Number(a), end: Number(b), label }))
}

function main() {
  const items = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')).items.filter(
    (it) => split === 'all' || it.split === split,
  )
  mkdirSync(outDir, { recursive: true })
  const tmp = join(outDir, '.tmp')
  mkdirSync(tmp, { recursive: true })
  const out = []
  for (const it of items) {
    const r = rng(hash(it.id))
    const cents = Math.round((r() < 0.5 ? -1 : 1) * (15 + r() * 35))
    const reverb = Math.round(30 + r() * 40)
    const snr = Math.round(15 + r() * 15)
    const pieces = 4
    const tempos = Array.from({ length: pieces }, () => Number((0.94 + r() * 0.12).toFixed(3)))
    const dir = dirname(it.audio)
    mkdirSync(join(outDir, dir), { recursive: true })
    const src = join(tmp, `${it.id}.wav`)
    run('ffmpeg', ['-v', 'error', '-y', '-i', join(corpus, it.audio), '-ac', '1', '-ar', String(SR), src])
    const dur = seconds(src)
    // tempo drift: equal pieces, each time-stretched by its own factor (pitch kept)
    const cut = Array.from({ length: pieces + 1 }, (_, i) => (dur * i) / pieces)
    const parts = []
    for (let i = 0; i < pieces; i++) {
      const p = join(tmp, `${it.id}.p${i}.wav`)
      run('sox', [
        src,
        p,
        'trim',
        String(cut[i]),
        String(cut[i + 1] - cut[i]),
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
    for (const d of pieceOut) newStart.push(newStart[newStart.length - 1] + d)
    const mapTime = (t) => {
      const i = Math.min(pieces - 1, Math.max(0, Math.floor((t / dur) * pieces)))
      const frac = (t - cut[i]) / (cut[i + 1] - cut[i])
      return newStart[i] + frac * pieceOut[i]
    }
    // detune (pitch without tempo) and reverb
    const wet = join(tmp, `${it.id}.wet.wav`)
    run('sox', [drift, wet, 'pitch', String(cents), 'reverb', String(reverb), '50', '80', 'norm', '-3'])
    const total = seconds(wet)
    // pink noise at the chosen SNR relative to the signal's RMS
    const sig = rms(wet) || Number(/RMS\s+amplitude:\s+([0-9.e-]+)/i.exec(soxStat(wet))?.[1])
    const noise = join(tmp, `${it.id}.noise.wav`)
    const level = sig / 10 ** (snr / 20)
    run('sox', ['-n', '-r', String(SR), '-c', '1', '-b', '16', noise, 'synth', String(total), 'pinknoise'])
    const nr = rms(noise) || Number(/RMS\s+amplitude:\s+([0-9.e-]+)/i.exec(soxStat(noise))?.[1])
    const audio = join(dir, `${it.id}.flac`)
    run('sox', ['-m', '-v', '1', wet, '-v', String(level / nr), noise, join(outDir, audio), 'norm', '-1'])
    const duration = seconds(join(outDir, audio))
    // labels re-timed through the tempo map; the last end is the new audio length
    const lab = readLab(readFileSync(join(corpus, it.lab), 'utf8')).map((s) => ({
      start: mapTime(s.start),
      end: mapTime(s.end),
      label: s.label,
    }))
    lab[lab.length - 1].end = duration
    writeFileSync(
      join(outDir, it.lab),
      lab.map((s) => `${s.start.toFixed(6)}\t${s.end.toFixed(6)}\t${s.label}\n`).join(''),
    )
    writeFileSync(join(outDir, it.chords), readFileSync(join(corpus, it.chords)))
    out.push({
      ...it,
      audio,
      source: `${it.source}; hard copy: detune ${cents > 0 ? '+' : ''}${cents} cents, tempo pieces ${tempos.join('/')}, reverb ${reverb} %, pink noise at ${snr} dB SNR`,
      duration_s: Number(duration.toFixed(6)),
      sample_rate: SR,
      transform: { cents, tempos, reverb, snrDb: snr },
    })
    process.stderr.write(
      `${it.id}: ${cents} cents, tempo ${tempos.join('/')}, reverb ${reverb}, SNR ${snr} dB\n`,
    )
  }
  rmSync(tmp, { recursive: true, force: true })
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify({ items: out }, null, 1)}\n`)
  process.stderr.write(`${out.length} items → ${outDir}\n`)
}

if (!existsSync(join(corpus, 'manifest.json'))) {
  process.stderr.write(`make-hard-corpus: ${corpus}/manifest.json not found\n`)
  process.exit(1)
}
main()
