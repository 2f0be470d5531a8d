/**
 * The project's DTW engine (`src/core/dtw`) as the soft-DTW engine of training: one batched call per
 * tfjs batch over the padded B×N×M cost buffer, per-item lengths, seed steps, gradient E.
 */
import { dtwBatch, paddedBatch } from '../dtw'
import type { SoftDtwEngine } from './sdtw-op'

let lastBackend = 'auto'

/** Soft-DTW through `dtwBatch` (backend chosen by the engine's registry: ts, native, cuda). */
export const dtwEngine: SoftDtwEngine = {
  get name() {
    return `dtw:${lastBackend}`
  },
  softDtwBatch(C, _B, N, M, n, m, gamma) {
    const r = dtwBatch(paddedBatch(C, n, m, N, M), { gamma, grad: true, path: false })
    lastBackend = r.backend
    if (!r.grad) throw new Error('soft-DTW engine returned no gradient')
    return { values: r.values, E: r.grad }
  },
}
