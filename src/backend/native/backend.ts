/**
 * DtwBackend objects over the native addon: 'native' (C++ threads + SIMD, every option of the engine)
 * and 'cuda' (soft DTW on a GPU, large batches). Both copy nothing on the way in: the addon reads the
 * batch's typed arrays and writes into outputs allocated here.
 */
import type {
  DtwBackend,
  DtwBatch,
  DtwBatchInfo,
  DtwBatchResult,
  FloatArray,
  ResolvedDtwOptions,
} from '../../core/dtw'
import type { NativeAddon, NativeOptions, NativeRunArgs } from './addon'

const NORMALIZE = { none: 0, N: 1, M: 2, 'N+M': 3 } as const

/** ResolvedDtwOptions → the addon's flat options. */
export function nativeOptions(o: ResolvedDtwOptions): NativeOptions {
  const p = o.diagonalPrior
  return {
    gamma: o.gamma,
    stepDi: o.stepDi,
    stepDj: o.stepDj,
    stepWeight: o.stepWeight,
    stepPenalty: o.stepPenalty,
    unitSteps: o.unitSteps,
    band: o.band === null ? -1 : o.band,
    openBegin: o.openBegin,
    openEnd: o.openEnd,
    priorW: p ? p.weight : 0,
    priorK: p ? 1 / (2 * p.width * p.width) : 0,
    normalize: NORMALIZE[o.normalize],
    grad: o.grad,
    path: o.path,
  }
}

/** The call arguments with freshly allocated outputs (grad zero-filled, as the TS backend's). */
export function nativeArgs<T extends FloatArray>(
  batch: DtwBatch<T>,
  o: ResolvedDtwOptions,
  threads: number,
  extra: NativeTuning = {},
): NativeRunArgs & { grad: T | null } {
  const f32 = batch.cost instanceof Float32Array
  const grad = o.grad ? (new (f32 ? Float32Array : Float64Array)(batch.cost.length) as unknown as T) : null
  const args: NativeRunArgs & { grad: T | null } = {
    cost: batch.cost,
    n: batch.n,
    m: batch.m,
    offset: batch.offset,
    stride: batch.stride,
    values: new Float64Array(batch.n.length),
    grad,
    opts: nativeOptions(o),
    threads,
    ...extra,
  }
  return args
}

function result<T extends FloatArray>(
  args: NativeRunArgs & { grad: T | null },
  paths: Int32Array[] | null,
): DtwBatchResult<T> {
  return { values: args.values, grad: args.grad, paths }
}

/** Test / benchmark knobs passed through to the addon. */
export type NativeTuning = Pick<NativeRunArgs, 'forceKernel' | 'forceSchedule' | 'forceU' | 'chunk'>

/**
 * The native CPU backend: every option of the engine (the SIMD strip kernel for steps within
 * (1,1), (1,0), (0,1); a scalar kernel for other step sets), float64 and float32 storage.
 * @param threads threads per call (≥ 1), the calling thread included
 */
export function createNativeBackend(
  addon: NativeAddon,
  threads: number,
  tuning: NativeTuning = {},
): DtwBackend {
  const t = Math.max(1, Math.floor(threads))
  return {
    name: 'native',
    priority: 10,
    threads: t,
    supports: () => true,
    run<T extends FloatArray>(batch: DtwBatch<T>, o: ResolvedDtwOptions): DtwBatchResult<T> {
      const args = nativeArgs(batch, o, t, tuning)
      return result(args, addon.run(args))
    },
    async runAsync<T extends FloatArray>(
      batch: DtwBatch<T>,
      o: ResolvedDtwOptions,
    ): Promise<DtwBatchResult<T>> {
      const args = nativeArgs(batch, o, t, tuning)
      return result(args, await addon.runAsync(args))
    },
  }
}

/** Below this many cells a batch stays on the CPU (transfers and launches would dominate). */
export const CUDA_MIN_CELLS = 1 << 20

/** Why the CUDA kernels cannot run these options (null when they can). */
export function cudaUnsupported(
  o: ResolvedDtwOptions,
  info: DtwBatchInfo,
  minCells = CUDA_MIN_CELLS,
): string | null {
  if (o.gamma === 0) return 'hard DTW (γ = 0) and its path run on the CPU backends'
  for (let k = 0; k < o.stepCount; k++) {
    const a = o.stepDi[k]!
    const b = o.stepDj[k]!
    if (!((a === 1 && b === 1) || (a === 1 && b === 0) || (a === 0 && b === 1)))
      return `step (${a}, ${b}) is outside (1,1), (1,0), (0,1): custom long steps run on the CPU backends`
  }
  if (info.cells < minCells)
    return `${info.cells} cells is below the GPU threshold of ${minCells} (CPU is faster for small batches)`
  return null
}

/** The CUDA backend (only registered when a device is present). */
export function createCudaBackend(addon: NativeAddon, minCells = CUDA_MIN_CELLS): DtwBackend {
  return {
    name: 'cuda',
    priority: 20,
    threads: 1,
    supports: (o, info) => cudaUnsupported(o, info, minCells) ?? true,
    run<T extends FloatArray>(batch: DtwBatch<T>, o: ResolvedDtwOptions): DtwBatchResult<T> {
      const args = nativeArgs(batch, o, 1)
      return result(args, addon.cudaRun(args))
    },
    async runAsync<T extends FloatArray>(
      batch: DtwBatch<T>,
      o: ResolvedDtwOptions,
    ): Promise<DtwBatchResult<T>> {
      const args = nativeArgs(batch, o, 1)
      return result(args, await addon.cudaRunAsync(args))
    },
  }
}
