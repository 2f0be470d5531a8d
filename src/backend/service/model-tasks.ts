/**
 * Worker tasks of the training and insight views (run by tasks.worker.ts like the other tasks): the
 * accelerators in use, a manifest corpus with its chroma, a model's templates, the soft-DTW expected
 * alignment of a recording, and model scores on recordings with a reference.
 */
import { readFileSync } from 'node:fs'
import { alignChords, recognizeChords } from '../../core/align'
import { parseChordsTxt, parseLab, type Segment } from '../../core/chords'
import { listDtwBackends, resolveDtwOptions, selectDtwBackend } from '../../core/dtw'
import { evaluateChords } from '../../core/eval'
import type { Chroma } from '../../core/features'
import type { ModelFile, Recording, TrainingFeatures } from '../../core/model'
import { chromaOfFile, DirectoryFeatureCache } from '../features'
import {
  ensureTfBackend,
  expectedAlignment,
  loadModel,
  modelAccuracy,
  modelChromaOptions,
  modelProbabilitiesOn,
  predictFrames,
  type RawChroma,
  type ScoredRecording,
  targetDistributions,
  templateMatrix,
} from '../inference'
import { nativeStatus } from '../native'
import { describeTfBackend } from '../tf-backend'
import { defaultChromaSource, featureCacheDir } from '../training/chroma'
import { corpusFingerprint, loadRecordings, readManifest } from '../training/corpus'
import type { Progress } from './tasks'

type Task = (input: unknown, progress: Progress) => Promise<unknown>

/** A recording of a held-out set, as the comparison task scores it. */
export interface HeldOutItem {
  id: string
  title: string
  /** `fmp` chroma with libfmp's tuning 0 (the training features). */
  fmp: RawChroma
  /**
   * `fmp` chroma tuned like `align` (`modelChromaOptions`), the model's emissions read it; when null,
   * computed from `audio` with the `align` chroma's tuning.
   */
  emission: RawChroma | null
  reference: Segment[]
  /** The typed sequence as labels (for forced alignment), or null. */
  sequence: string[] | null
  /** `align` chroma when the caller has it (else computed from `audio`). */
  align: Chroma | null
  /** Audio file, to compute the `align` chroma when not given. */
  audio: string | null
  /** [seconds] */
  duration: number
}

/** One row of a comparison: a model (or the chroma templates) on the held-out set. */
export interface ComparisonRow {
  key: string
  /** mir_eval majmin WCSR of forced alignment with the typed sequences (items that have one). */
  alignMajmin: number | null
  /** mir_eval majmin WCSR of recognition without a sequence (HMM, libfmp C5). */
  recognizeMajmin: number
  /** Frame-wise F of the arg-max prediction (the seed's metric); null for templates. */
  frameF: number | null
  perRecording: { id: string; title: string; alignMajmin: number | null; recognizeMajmin: number }[]
}

/** What `load-manifest` returns. */
export interface LoadedManifest {
  recordings: Recording[]
  fingerprint: string
  items: {
    id: string
    audio: string
    reference: Segment[] | null
    sequence: string[] | null
    split: string
  }[]
}

function pooled(parts: { correct: number; comparable: number }[]): number | null {
  const c = parts.reduce((a, p) => a + p.comparable, 0)
  return c > 0 ? parts.reduce((a, p) => a + p.correct, 0) / c : null
}

export const MODEL_TASKS: Record<string, Task> = {
  /** The tfjs backend this machine trains with and the DTW backend `auto` picks for training batches. */
  accelerators: async () => {
    const native = nativeStatus()
    const tf = await ensureTfBackend()
    const choice = selectDtwBackend('auto', resolveDtwOptions({ gamma: 1 }), {
      dtype: 'float32',
      items: 5,
      cells: 5 * 150 * 75,
      maxN: 150,
      maxM: 75,
    })
    return {
      tfjs: {
        candidate: tf.candidate,
        backend: tf.backend,
        gpu: tf.gpu,
        description: describeTfBackend(tf),
      },
      dtw: {
        backends: listDtwBackends().map((b) => b.name),
        training: choice.backend.name,
        reason: choice.reason,
        nativeReason: native.native.registered ? null : native.load.reason,
        cudaReason: native.cuda.registered ? null : native.cuda.reason,
      },
    }
  },

  /** A manifest corpus: recordings with raw fmp chroma, targets, and each item's reference. */
  'load-manifest': async (input, progress) => {
    const { path, features } = input as { path: string; features?: TrainingFeatures }
    const corpus = readManifest(path)
    progress('reading the corpus', 0)
    const recordings = await loadRecordings(corpus.items, defaultChromaSource(true, features ?? 'seed'), {
      onProgress: (done, total, id) => progress(`chroma of ${id}`, done / total),
    })
    const items = corpus.items.map((it) => ({
      id: it.id,
      audio: it.audio,
      reference: it.lab ? parseLab(readFileSync(it.lab, 'utf8')).segments : null,
      sequence: it.chords ? parseChordsTxt(readFileSync(it.chords, 'utf8')) : null,
      split: it.split,
    }))
    const out: LoadedManifest = { recordings, fingerprint: corpusFingerprint(corpus.items), items }
    return out
  },

  /** Templates 24×12 and η of a model. */
  'model-templates': async (input) => {
    const { file } = input as { file: ModelFile }
    const m = await loadModel(file)
    try {
      return templateMatrix(m)
    } finally {
      m.dispose()
    }
  },

  /** Soft-DTW expected alignment E of the model's predictions with the typed sequence. */
  'expected-alignment': async (input, progress) => {
    const { file, fmp, sequence, gamma } = input as {
      file: ModelFile
      fmp: RawChroma
      sequence: string
      gamma: number
    }
    progress('running the chord model', null)
    const m = await loadModel(file)
    let probs: ReturnType<typeof predictFrames>
    try {
      probs = predictFrames(m, fmp)
    } finally {
      m.dispose()
    }
    progress('soft-DTW', null)
    return expectedAlignment(probs, sequence, gamma)
  },

  /** Per-recording and per-chord accuracy of a model on recordings with a reference. */
  'model-accuracy': async (input, progress) => {
    const { file, items } = input as { file: ModelFile; items: ScoredRecording[] }
    progress('scoring', null)
    const m = await loadModel(file)
    try {
      return modelAccuracy(m, items)
    } finally {
      m.dispose()
    }
  },

  /** Class distributions of the training targets (seed Tables 4.2 / 4.3). */
  'target-distribution': async (input) => {
    const { recordings, softLengths } = input as { recordings: Recording[]; softLengths: number[] }
    return targetDistributions(recordings, softLengths)
  },

  /**
   * Held-out comparison: each model (and the chroma templates, key `templates`) aligns the typed
   * sequences and recognises the chords of the held-out recordings; scored against the references.
   */
  'compare-models': async (input, progress) => {
    const { models, items } = input as { models: { key: string; file: ModelFile }[]; items: HeldOutItem[] }
    const cache = new DirectoryFeatureCache(featureCacheDir())
    const align: (Chroma | null)[] = []
    /** What each model reads: fmp chroma tuned like the align chroma, as alignment in the app does. */
    const emission: RawChroma[] = []
    for (const [i, it] of items.entries()) {
      progress(`align chroma of ${it.title}`, i / Math.max(1, items.length))
      const ch =
        it.align ?? (it.audio ? await chromaOfFile(it.audio, { pipeline: 'align' }, { cache }) : null)
      align.push(ch)
      emission.push(
        it.emission ??
          (it.audio && ch
            ? await chromaOfFile(it.audio, modelChromaOptions(ch.tuningCents), { cache })
            : it.fmp),
      )
    }
    const rows: ComparisonRow[] = []
    const score = (ref: Segment[], est: Segment[]) => {
      const e = evaluateChords(ref, est)
      return { correct: e.correct.majmin, comparable: e.comparable.majmin, majmin: e.scores.majmin }
    }
    const candidates: { key: string; file: ModelFile | null }[] = [
      { key: 'templates', file: null },
      ...models,
    ]
    for (const [c, cand] of candidates.entries()) {
      progress(`scoring ${cand.key}`, c / candidates.length)
      const model = cand.file ? await loadModel(cand.file) : null
      try {
        const aligned: { correct: number; comparable: number }[] = []
        const recognised: { correct: number; comparable: number }[] = []
        const per: ComparisonRow['perRecording'] = []
        for (const [i, it] of items.entries()) {
          const ch = align[i]
          if (!ch) continue
          const probs = model
            ? modelProbabilitiesOn(model, emission[i]!, { frames: ch.frames, frameRate: ch.frameRate })
            : null
          const p = probs ? { data: probs.data, classes: probs.classes } : null
          let alignMajmin: number | null = null
          if (it.sequence && it.sequence.length > 0) {
            const r = alignChords(ch, it.sequence, { duration: it.duration, model: p })
            const s = score(it.reference, r.segments)
            aligned.push(s)
            alignMajmin = s.majmin
          }
          const rec = recognizeChords(ch, { duration: it.duration, model: p })
          const s = score(it.reference, rec.segments)
          recognised.push(s)
          per.push({ id: it.id, title: it.title, alignMajmin, recognizeMajmin: s.majmin })
        }
        const frameF = model
          ? modelAccuracy(
              model,
              items.map((it, i) => ({
                id: it.id,
                title: it.title,
                fmp: emission[i]!,
                reference: it.reference,
              })),
            ).frameF
          : null
        rows.push({
          key: cand.key,
          alignMajmin: pooled(aligned),
          recognizeMajmin: pooled(recognised) ?? 0,
          frameF,
          perRecording: per,
        })
      } finally {
        model?.dispose()
      }
    }
    return rows
  },
}
