/**
 * The tasks a job worker can run (see tasks.worker.ts). Each task is a function of plain,
 * structured-clone-able input to plain output; heavy modules are imported here only, so the main
 * process never loads them.
 */

import {
  alignChords,
  type AlignResult as CoreAlignResult,
  type ModelProbabilities,
  recognizeChords,
} from '../../core/align'
import { type AlignWarning, ApiError, type SegmentDto } from '../../core/api'
import type { Chroma, ChromaOptions } from '../../core/features'
import type { ModelFile } from '../../core/model'
import { chromaOfFile } from '../features'
import { loadModel, modelProbabilitiesOn, type RawChroma } from '../inference'
import { MODEL_TASKS } from './model-tasks'
import { peaksDto, peaksOfFile } from './peaks'
import type { AlignTaskInput, AlignTaskOutput } from './ports'

export type Progress = (stage: string, fraction: number | null) => void

type Task = (input: unknown, progress: Progress) => Promise<unknown>

/** Segment confidences travel with 4 decimals (the posterior is not more precise than that). */
const conf = (c: number) => Math.round(Math.min(1, Math.max(0, c)) * 1e4) / 1e4

/**
 * The confidence of each segment's start boundary, from the aligner's boundaries (same times as the
 * segments' starts; the first segment has none).
 */
function startConfidences(r: CoreAlignResult): (number | null)[] {
  const byTime = [...r.boundaries].sort((a, b) => a.time - b.time)
  let k = 0
  return r.segments.map((s, i) => {
    if (i === 0) return null
    while (k < byTime.length && byTime[k]!.time < s.start - 1e-9) k++
    const b = byTime[k]
    return b && Math.abs(b.time - s.start) <= 1e-9 ? conf(b.confidence) : null
  })
}

/** Warnings of the aligner with the time span of the chord they name. */
function warnings(r: CoreAlignResult): AlignWarning[] {
  return r.warnings.map((w) => {
    const seg = w.token === undefined ? undefined : r.segments.find((s) => s.token === w.token)
    return { message: w.message, start: seg?.start ?? null, end: seg?.end ?? null }
  })
}

/** A model's probabilities on the align chroma's grid (the model reads the fmp chroma). */
async function probabilitiesFor(
  model: { file: ModelFile; fmp: RawChroma } | undefined,
  chroma: Chroma,
  progress: Progress,
): Promise<ModelProbabilities | null> {
  if (!model) return null
  progress('running the chord model', null)
  const m = await loadModel(model.file)
  try {
    const p = modelProbabilitiesOn(m, model.fmp, { frames: chroma.frames, frameRate: chroma.frameRate })
    return { data: p.data, classes: p.classes }
  } finally {
    m.dispose()
  }
}

/** Task name → implementation. Names must match `TaskAvailability` in wiring.ts. */
export const TASKS: Record<string, Task> = {
  ...MODEL_TASKS,

  /** Decode an audio file and compute its chroma with the app's options. */
  chroma: async (input, progress) => {
    const { path, options } = input as { path: string; options: Partial<ChromaOptions> }
    progress('decoding and analysing', 0)
    const chroma: Chroma = await chromaOfFile(path, options, {
      onProgress: (f) => progress('decoding and analysing', f),
    })
    progress('analysed', 1)
    return chroma
  },

  /** Decode an audio file (streamed) into waveform peaks, quantised for the wire. */
  peaks: async (input, progress) => {
    const { path, bucketRate } = input as { path: string; bucketRate: number }
    progress('reading the waveform', 0)
    const p = await peaksOfFile(path, bucketRate, (f) => progress('reading the waveform', f))
    progress('read', 1)
    return peaksDto(p)
  },

  /** Forced alignment of the typed sequence (template emissions, anchors kept). */
  align: async (input, progress) => {
    const { chroma, labels, anchors, duration, model } = input as AlignTaskInput
    const probs = await probabilitiesFor(model, chroma, progress)
    progress('aligning', null)
    const r = alignChords(chroma, labels, {
      anchors: anchors.map((a) => ({ token: a.token, time: a.time })),
      ...(duration !== null && duration > 0 ? { duration } : {}),
      model: probs,
    })
    const starts = startConfidences(r)
    const segments: SegmentDto[] = r.segments.map((s, i) => ({
      start: s.start,
      end: s.end,
      label: s.label,
      confidence: conf(s.confidence),
      startConfidence: starts[i]!,
    }))
    const shift =
      r.transposition === 0 ? '' : `, heard ${r.transposition > 0 ? '+' : ''}${r.transposition} semitone`
    const out: AlignTaskOutput = {
      segments,
      warnings: warnings(r),
      method: `${model ? `model "${model.file.name ?? 'unnamed'}"` : 'template'} emissions${shift}`,
    }
    return out
  },

  /** Chord recognition without a sequence (templates or a chord model + HMM). */
  recognize: async (input, progress) => {
    const { chroma, duration, model } = input as {
      chroma: Chroma
      duration: number | null
      model?: { file: ModelFile; fmp: RawChroma }
    }
    const probs = await probabilitiesFor(model, chroma, progress)
    progress('recognising', null)
    const r = recognizeChords(chroma, {
      ...(duration !== null && duration > 0 ? { duration } : {}),
      model: probs,
    })
    const out: AlignTaskOutput = {
      segments: r.segments.map((s) => ({
        start: s.start,
        end: s.end,
        label: s.label,
        confidence: conf(s.confidence),
      })),
      warnings: [],
      method: model ? `model "${model.file.name ?? 'unnamed'}" + HMM` : 'template emissions, HMM',
    }
    return out
  },
}

export async function runTask(task: string, input: unknown, progress: Progress): Promise<unknown> {
  const fn = TASKS[task]
  if (!fn) throw new ApiError('unavailable', `the worker has no task "${task}" in this build`)
  return fn(input, progress)
}
