/**
 * The tasks a job worker can run (see tasks.worker.ts). Each task is a function of plain,
 * structured-clone-able input to plain output; heavy modules are imported here only, so the main
 * process never loads them.
 */
import { ApiError } from '../../core/api'
import type { Chroma, ChromaOptions } from '../../core/features'
import { chromaOfFile } from '../features'

export type Progress = (stage: string, fraction: number | null) => void

type Task = (input: unknown, progress: Progress) => Promise<unknown>

/** Task name → implementation. Names must match `TaskAvailability` in wiring.ts. */
export const TASKS: Record<string, Task> = {
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
}

export async function runTask(task: string, input: unknown, progress: Progress): Promise<unknown> {
  const fn = TASKS[task]
  if (!fn) throw new ApiError('unavailable', `the worker has no task "${task}" in this build`)
  return fn(input, progress)
}
