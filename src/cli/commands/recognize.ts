/**
 * `chordwarp recognize <audio> [-o out.lab] [--json] [--model m.json]`: chords without a typed sequence
 * (24 major/minor triads + N) by binary templates, or a trained chord model (dChord + HMM), and an HMM
 * with uniform transitions (libfmp C5).
 */
import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { loadModel, readModelFile } from '../../backend/inference'
import { recognizeChords } from '../../core/align'
import { formatLab } from '../../core/chords'
import { UserError } from '../errors'
import { printJson, printLine } from '../output'
import { loadRecording, modelEmissions } from './recording'

interface RecognizeFlags {
  cache: boolean
  cacheDir?: string
  output?: string
  json?: boolean
  selfTransition: string
  n: boolean
  model?: string
}

export function register(program: Command): void {
  program
    .command('recognize')
    .description('recognise chords without a sequence (24 maj/min + N) → .lab')
    .argument('<audio>', 'audio file, or chroma JSON from "chordwarp chroma --json"')
    .option('--no-cache', 'do not read or write the feature cache')
    .option(
      '--cache-dir <dir>',
      'feature cache folder (default $CHORDWARP_CACHE_DIR or ~/.cache/chordwarp/features)',
    )
    .option('-o, --output <file>', 'write the .lab here (default: print it)')
    .option('--json', 'print one JSON object: segments with confidence')
    .option('--self-transition <p>', 'HMM self-transition probability per frame (libfmp C5)', '0.15')
    .option('--no-n', 'no "N" (no-chord) state')
    .option('--model <file>', 'dChord + HMM: score frames with this trained chord model (model JSON)')
    .action(async (audio: string, f: RecognizeFlags) => {
      const p = Number(f.selfTransition)
      if (!(p >= 0 && p <= 1))
        throw new UserError(`--self-transition must be a probability in [0, 1], got "${f.selfTransition}"`)
      const load = { cache: f.cache, cacheDir: f.cacheDir }
      const model = f.model ? await loadModel(readModelFile(f.model)) : null
      const rec = await loadRecording(audio, load)
      const t0 = performance.now()
      const probs = model ? await modelEmissions(model, audio, rec.chroma, load) : null
      const r = recognizeChords(rec.chroma, {
        selfTransition: p,
        noChord: f.n,
        duration: rec.duration,
        model: probs,
      })
      const ms = performance.now() - t0
      const lab = formatLab(r.segments)
      if (f.output) writeFileSync(f.output, lab)
      if (f.json)
        printJson({ segments: r.segments, duration: r.duration, ms, emission: model ? 'model' : 'template' })
      else if (!f.output) process.stdout.write(lab)
      else printLine(`${r.segments.length} segments → ${f.output}`)
    })
}
