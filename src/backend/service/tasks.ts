/**
 * The tasks a job worker can run (see tasks.worker.ts). Each task is a function of plain,
 * structured-clone-able input to plain output; heavy modules are imported here only, so the main
 * process never loads them.
 */
import { ApiError } from '../../core/api'

export type Progress = (stage: string, fraction: number | null) => void

type Task = (input: unknown, progress: Progress) => Promise<unknown>

/** Task name → implementation. Names must match `TaskAvailability` in wiring.ts. */
export const TASKS: Record<string, Task> = {}

export async function runTask(task: string, input: unknown, progress: Progress): Promise<unknown> {
  const fn = TASKS[task]
  if (!fn) throw new ApiError('unavailable', `the worker has no task "${task}" in this build`)
  return fn(input, progress)
}
