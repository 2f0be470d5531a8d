/**
 * The interface of the compiled addon `chordwarp_native.node` (native/src/addon.cc). Only this folder
 * talks to it; the rest of the app sees DtwBackend objects (src/core/dtw/types.ts).
 */

/** The flattened ResolvedDtwOptions the addon parses (native/src/addon.cc parseOptions). */
export interface NativeOptions {
  gamma: number
  stepDi: Int32Array
  stepDj: Int32Array
  stepWeight: Float64Array
  stepPenalty: Float64Array
  unitSteps: boolean
  /** Sakoe–Chiba radius [rows], −1 = none. */
  band: number
  openBegin: boolean
  openEnd: boolean
  /** Diagonal prior weight ν (0 = none) and k = 1/(2σ²). */
  priorW: number
  priorK: number
  /** 0 none, 1 ÷N, 2 ÷M, 3 ÷(N+M). */
  normalize: number
  grad: boolean
  path: boolean
}

/** One call: the batch (types.ts DtwBatch), the outputs the addon fills, options and scheduling. */
export interface NativeRunArgs {
  cost: Float64Array | Float32Array
  n: Int32Array
  m: Int32Array
  offset: Float64Array
  stride: Int32Array
  /** Filled with each item's value [B]. */
  values: Float64Array
  /** Filled with ∂value/∂C (zero-initialised, same type and length as cost), or null. */
  grad: Float64Array | Float32Array | null
  opts: NativeOptions
  /** Threads for this call (the calling thread included). */
  threads: number
  /** Tests only: 1 = generic scalar kernel, 2 = SIMD strip kernel. */
  forceKernel?: number
  /** Tests only: 1 = items over threads, 2 = tiles of each item over threads. */
  forceSchedule?: number
  /** Tests only: vectors per strip (1, 2, 4). */
  forceU?: number
  /** Tests only: steps per tile. */
  chunk?: number
}

export interface NativeItemPlan {
  kernel: 'strip' | 'generic'
  transposed: boolean
  rows: number
  cols: number
  U: number
  H: number
  strips: number
}

export interface CudaDevice {
  name: string
  /** [bytes] */
  totalMemory: number
  computeCapability: string
  multiprocessors: number
}

export interface CudaProbe {
  /** The addon contains the CUDA kernels (nvcc was found at build time). */
  compiled: boolean
  /** Compiled and a device is usable. */
  available: boolean
  /** Why not available ('' when available). */
  reason: string
  runtimeVersion: number
  driverVersion: number
  devices: CudaDevice[]
}

/** The CUDA host plan (native/src/cuda/plan.h), computed on the CPU. */
export interface CudaPlan {
  stripRows: number
  chunk: number
  totalStrips: number
  blocks: number
  threadsPerBlock: number
  bytes: number
  weightBytes: number
  boundaryBytes: number
  costBytes: number
  itemStrip0: Float64Array
  stripItem: Float64Array
  stripRow0: Float64Array
  stripOriented: Float64Array
  weightOffset: Float64Array
  boundaryOffset: Float64Array
  costOffset: Float64Array
  itemRows: Float64Array
  itemCols: Float64Array
}

/** The CUDA kernels' per-item tables (native/src/cuda/plan.h makeTables), computed on the CPU. */
export interface CudaTables {
  items: {
    R: number
    Q: number
    transposed: boolean
    costOff: number
    bandOff: number
    colOff: number
    endOff: number
    strip0: number
    nStrips: number
    scale: number
  }[]
  bandLo: Int32Array
  bandHi: Int32Array
  kap: Float64Array
  Ghi: Float64Array
  Glo: Float64Array
}

export interface NativeAddon {
  version: string
  /** JSON: SIMD width, ISA flags, compiler, -march, CUDA compiled in. */
  buildInfo: string
  /** JSON: CPU model, features, hardware threads. */
  cpuFeatures(): string
  run(args: NativeRunArgs): Int32Array[] | null
  runAsync(args: NativeRunArgs): Promise<Int32Array[] | null>
  plan(N: number, M: number, args: Pick<NativeRunArgs, 'opts' | 'forceKernel' | 'forceU'>): NativeItemPlan
  cudaProbe(): CudaProbe
  cudaRun(args: NativeRunArgs): Int32Array[] | null
  cudaRunAsync(args: NativeRunArgs): Promise<Int32Array[] | null>
  cudaPlan(
    n: Int32Array,
    m: Int32Array,
    opts: {
      dtype: 'float32' | 'float64'
      grad?: boolean
      hard?: boolean
      threeSlots?: boolean
      gslot?: boolean
      smCount?: number
    },
  ): CudaPlan
  cudaTables(args: NativeRunArgs): CudaTables
}

/** What native/build/build-info.json (written by scripts/build-native.mjs) says about the build. */
export interface NativeBuildRecord {
  /** ISO time of the build. */
  builtAt: string
  /** sha256 over native/binding.gyp and native/src/** at build time. */
  sourceHash: string
  march: string
  cuda: { compiled: boolean; reason: string; nvcc: string | null; archs: string | null }
  compiler: string
}
