/**
 * The batch format every DTW backend consumes and produces (TS, native C++, CUDA): flat buffers plus
 * per-item lengths and offsets, handed over in one call. See docs/dtw.md "Backends".
 */
import type { DtwBackendName, ResolvedDtwOptions } from './options'

/** Storage of costs and gradients: float64, or float32 (arithmetic stays float64 in the TS backend). */
export type FloatArray = Float64Array | Float32Array

/** 'float64' | 'float32', the storage type of a batch. */
export type DtwDtype = 'float64' | 'float32'

/**
 * A batch of B cost matrices of different sizes in one buffer.
 * Item b is N_b×M_b, row-major with row stride `stride[b]` ≥ M_b:
 * C_b(i, j) = cost[offset[b] + i·stride[b] + j], i < n[b] (x, frames), j < m[b] (y, targets).
 * Packed layout: offset = prefix sums of N_b·M_b, stride = M_b (see packBatch). Padded layout (a
 * [B, Nmax, Mmax] tensor): offset = b·Nmax·Mmax, stride = Mmax (see paddedBatch); cells outside
 * N_b×M_b are never read.
 */
export interface DtwBatch<T extends FloatArray = FloatArray> {
  /** All cost cells. */
  cost: T
  /** N_b: rows (length of x) of each item [B], ≥ 1. */
  n: Int32Array
  /** M_b: columns (length of y) of each item [B], ≥ 1. */
  m: Int32Array
  /** Element offset of C_b(0, 0) in `cost` [B] (integers; Float64Array so buffers may pass 2^31). */
  offset: Float64Array
  /** Row stride of each item [B] [elements], ≥ m[b]. */
  stride: Int32Array
}

/** What a backend returns for a batch. */
export interface DtwBatchResult<T extends FloatArray = FloatArray> {
  /** The value of each item [B], normalised as asked; +Infinity when no admissible path exists. */
  values: Float64Array
  /**
   * ∂value_b/∂C_b in the same layout (offsets, strides) and storage type as `cost`, or null when not
   * asked. Soft: E (the expected alignment, seed Alg. 2's H); hard: the 0/1 path matrix (step weights
   * for custom steps). Divided by the normalisation. Cells outside each item (padding) are 0.
   */
  grad: T | null
  /** Hard DTW only (γ = 0, `path` asked): per item the optimal path as i0, j0, i1, j1, … (start → end). */
  paths: Int32Array[] | null
}

/** Shape summary of a batch, for `supports` decisions (size thresholds). */
export interface DtwBatchInfo {
  dtype: DtwDtype
  /** Number of items B. */
  items: number
  /** Σ N_b·M_b. */
  cells: number
  /** max N_b, max M_b. */
  maxN: number
  maxM: number
}

/**
 * A DTW implementation. The TS backend is always registered; src/backend registers the native C++ and
 * CUDA addons when they load. src/core never imports a backend: they plug in through the registry.
 */
export interface DtwBackend {
  /** 'ts' | 'native' | 'cuda'. */
  readonly name: DtwBackendName
  /** 'auto' picks the supporting backend with the highest priority (ts: 0). */
  readonly priority: number
  /** Threads one call uses (reported by the benchmark). */
  readonly threads: number
  /** True when this backend computes exactly these options for this batch; else the reason why not. */
  supports(opts: ResolvedDtwOptions, info: DtwBatchInfo): true | string
  /** Values, gradients and paths of every item, synchronously (usable inside a tfjs customGrad). */
  run<T extends FloatArray>(batch: DtwBatch<T>, opts: ResolvedDtwOptions): DtwBatchResult<T>
  /** Optional asynchronous variant (worker threads, GPU streams); dtwBatchAsync prefers it. */
  runAsync?<T extends FloatArray>(batch: DtwBatch<T>, opts: ResolvedDtwOptions): Promise<DtwBatchResult<T>>
}
