/** Worker thread entry of the job runner: runs one task of tasks.ts and posts progress and result. */
import { parentPort, workerData } from 'node:worker_threads'
import { registerNativeDtwBackends } from '../native'
import { toErrorDto, type WorkerMessage } from './jobs'
import { runTask } from './tasks'

// Each worker thread has its own DTW backend registry: register the native (and CUDA) backends here.
registerNativeDtwBackends()

const post = (m: WorkerMessage) => parentPort!.postMessage(m)
const { task, input } = workerData as { task: string; input: unknown }

runTask(task, input, (stage, fraction) => post({ type: 'progress', stage, fraction })).then(
  (result) => post({ type: 'done', result }),
  (e) => post({ type: 'error', error: toErrorDto(e) }),
)
