/** `chordwarp chroma <audio>`: chroma features of an audio file (JSON, CSV or NumPy .npy). */
import { writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { analyzeFile, DirectoryFeatureCache } from '../../backend/features'
import type { Chroma, ChromaNorm, ChromaOptions, ChromaPipeline } from '../../core/features'
import { UserError } from '../errors'
import { printJson, printLine } from '../output'

const PC = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B']

interface Flags {
  pipeline: string
  hop?: string
  win?: string
  sr?: string
  tuning?: string
  gamma?: string
  norm?: string
  json?: boolean
  csv?: boolean
  npy?: boolean
  output?: string
  cache: boolean
  cacheDir?: string
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`--${name} must be a positive integer, got "${v}"`)
  return n
}

function options(f: Flags): Partial<ChromaOptions> {
  if (f.pipeline !== 'align' && f.pipeline !== 'fmp')
    throw new UserError(`--pipeline must be align or fmp, got "${f.pipeline}"`)
  const o: Partial<ChromaOptions> = { pipeline: f.pipeline as ChromaPipeline }
  o.hopSize = int('hop', f.hop)
  o.windowSize = int('win', f.win)
  if (o.windowSize !== undefined && (o.windowSize & (o.windowSize - 1)) !== 0)
    throw new UserError(`--win must be a power of two (e.g. 4096), got ${o.windowSize}`)
  o.sampleRate = int('sr', f.sr)
  if (f.tuning !== undefined) {
    const t = f.tuning === 'auto' ? 'auto' : Number(f.tuning)
    if (t !== 'auto' && !Number.isFinite(t))
      throw new UserError(`--tuning must be auto or cents, got "${f.tuning}"`)
    o.tuning = t
  }
  if (f.gamma !== undefined) {
    const g = Number(f.gamma)
    if (!(g >= 0)) throw new UserError(`--gamma must be a number ≥ 0, got "${f.gamma}"`)
    o.logGamma = g
  }
  if (f.norm !== undefined) o.norm = f.norm as ChromaNorm
  return o
}

/** T×12 rows as nested arrays (6 significant digits keep the JSON small and exact enough). */
function rows(a: Float32Array, frames: number): number[][] {
  const out: number[][] = []
  for (let t = 0; t < frames; t++)
    out.push(Array.from(a.subarray(12 * t, 12 * t + 12), (v) => +v.toPrecision(6)))
  return out
}

/** NumPy .npy v1.0, float32 little-endian, C order: T×12, or T×24 (treble then bass). */
function npy(c: Chroma): Uint8Array {
  const cols = c.bass ? 24 : 12
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${c.frames}, ${cols}), }`
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'
  const out = new Uint8Array(10 + header.length + 4 * c.frames * cols)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8])
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i)
  const dv = new DataView(out.buffer, 10 + header.length)
  for (let t = 0; t < c.frames; t++)
    for (let j = 0; j < cols; j++) {
      const v = j < 12 ? c.data[12 * t + j]! : c.bass![12 * t + j - 12]!
      dv.setFloat32(4 * (t * cols + j), v, true)
    }
  return out
}

function csv(c: Chroma): string {
  const head = ['time', ...PC, ...(c.bass ? PC.map((p) => `bass_${p}`) : [])]
  const lines = [head.join(',')]
  for (let t = 0; t < c.frames; t++) {
    const v = Array.from(c.data.subarray(12 * t, 12 * t + 12), (x) => x.toPrecision(6))
    if (c.bass) v.push(...Array.from(c.bass.subarray(12 * t, 12 * t + 12), (x) => x.toPrecision(6)))
    lines.push([(t / c.frameRate).toFixed(6), ...v].join(','))
  }
  return `${lines.join('\n')}\n`
}

export function register(program: Command): void {
  program
    .command('chroma')
    .description('chroma features of an audio file (WAV, FLAC, MP3, Ogg, M4A)')
    .argument('<audio>', 'audio file')
    .option(
      '--pipeline <name>',
      'align (HPSS, tuned semitone bands, treble + bass) | fmp (libfmp C5, raw)',
      'align',
    )
    .option('--hop <samples>', 'hop size at the analysis rate (align 1024, fmp 2048)')
    .option('--win <samples>', 'window / FFT size, a power of two (4096)')
    .option('--sr <Hz>', 'analysis sample rate (22050)')
    .option(
      '--tuning <auto|cents>',
      'global tuning: auto, or deviation from A440 in cents (align auto, fmp 0)',
    )
    .option('--gamma <γ>', 'log compression log(1 + γx); 0 = none (align 100, fmp 0)')
    .option('--norm <l2|l1|max|none>', 'per-frame normalisation (align l2, fmp none)')
    .option('--json', 'print {frameRate, hop, sampleRate, tuningCents, chroma: T×12, bass?: T×12, …}')
    .option('--csv', 'print CSV: time [s] of each frame centre, C … B (, bass_C … bass_B)')
    .option('--npy', 'write a NumPy .npy, float32 T×12 (T×24 with bass: treble then bass); needs -o')
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .option('--no-cache', 'do not read or write the feature cache')
    .option(
      '--cache-dir <dir>',
      'feature cache folder (default $CHORDWARP_CACHE_DIR or ~/.cache/chordwarp/features)',
    )
    .action(async (audio: string, f: Flags) => {
      if ([f.json, f.csv, f.npy].filter(Boolean).length > 1)
        throw new UserError('choose one of --json, --csv, --npy')
      if (f.npy && !f.output) throw new UserError('--npy writes binary: give a file with -o out.npy')
      const dir =
        f.cacheDir ?? process.env.CHORDWARP_CACHE_DIR ?? join(homedir(), '.cache', 'chordwarp', 'features')
      const cache = f.cache ? new DirectoryFeatureCache(dir) : null
      const r = await analyzeFile(audio, options(f), { cache })
      const c = r.chroma
      const emit = (text: string) => (f.output ? writeFileSync(f.output, text) : process.stdout.write(text))
      if (f.npy) writeFileSync(f.output!, npy(c))
      else if (f.csv) emit(csv(c))
      else if (f.json) {
        const value: Record<string, unknown> = {
          pipeline: c.pipeline,
          frames: c.frames,
          frameRate: c.frameRate,
          hop: c.hopSize,
          window: c.windowSize,
          sampleRate: c.sampleRate,
          tuningCents: c.tuningCents,
          ...(c.tuning ? { tuning: c.tuning } : {}),
          ...(c.duration !== undefined ? { duration: c.duration } : {}),
          ...(c.samples !== undefined ? { samples: c.samples } : {}),
          ...(r.decode ? { format: r.decode.format } : {}),
          cached: r.cached,
          chroma: rows(c.data, c.frames),
          ...(c.bass ? { bass: rows(c.bass, c.frames) } : {}),
          ...(c.levelDb ? { levelDb: Array.from(c.levelDb, (x) => Number(x.toPrecision(6))) } : {}),
          ...(c.onset ? { onset: Array.from(c.onset, (x) => Number(x.toPrecision(6))) } : {}),
        }
        if (f.output) emit(`${JSON.stringify(value)}\n`)
        else printJson(value)
      } else {
        const t = c.tuning
        printLine(
          `${audio}: ${c.pipeline}, ${c.frames} frames at ${c.frameRate.toFixed(3)} frames/s ` +
            `(hop ${c.hopSize}, window ${c.windowSize} @ ${c.sampleRate} Hz), tuning ${c.tuningCents >= 0 ? '+' : ''}${c.tuningCents.toFixed(1)} cents` +
            (t
              ? ` (confidence ${t.confidence.toFixed(2)}, ${t.margin.toFixed(0)} cents from the semitone flip)`
              : '') +
            (r.cached ? ', from cache' : '') +
            (f.output ? '' : '; use --json, --csv or --npy -o f.npy for the values'),
        )
      }
    })
}
