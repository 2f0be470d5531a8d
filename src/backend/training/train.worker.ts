/**
 * Worker thread of a training job (`job.ts`): runs one session and posts its events. Cancellation comes
 * through a shared flag, so it is seen between batches without waiting for the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { registerNativeDtwBackends } from '../native'
import { defaultChromaSource } from './chroma'
import type { WorkerMessage } from './job'
import { runTrainingSession, type TrainingRequest } from './session'

const { request, cancel } = workerData as { request: TrainingRequest; cancel: SharedArrayBuffer }
registerNativeDtwBackends() // the soft-DTW engine's native / CUDA backends, when the addon loads (never throws)
const flag = new Int32Array(cancel)
const post = (m: WorkerMessage) => parentPort!.postMessage(m)

runTrainingSession(request, {
  onEvent: (event) => post({ type: 'event', event }),
  shouldStop: () => Atomics.load(flag, 0) !== 0,
  chroma: defaultChromaSource(true, request.features ?? 'seed'),
})
  .then((outcome) => post({ type: 'done', outcome }))
  .catch((e: unknown) => {
    const err = e as Error & { userError?: boolean }
    post({ type: 'error', message: err?.message ?? String(e), userError: err?.userError === true })
  })
