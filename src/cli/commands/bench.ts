/** `chordwarp bench dtw`: forward+backward throughput of the registered DTW backends (best of several runs). */
import type { Command } from 'commander'
import {
  type DtwBackendName,
  type DtwBatch,
  dtwBatch,
  type FloatArray,
  listDtwBackends,
} from '../../core/dtw'
import { UserError } from '../errors'
import { printJson, printLine } from '../output'

export interface DtwBenchRow {
  backend: string
  dtype: 'float32' | 'float64'
  threads: number
  B: number
  N: number
  M: number
  /** Best wall time of one forward+backward call over the batch [ms]. */
  ms: number
  /** B·N·M / time [million cells per second]. */
  mcellsPerS: number
}

const DEFAULT_SIZES = '5x150x16,5x150x75,32x1024x64,1x3000x200'

function parseSizes(s: string): [number, number, number][] {
  return s.split(',').map((t) => {
    const m = /^(\d+)x(\d+)x(\d+)$/.exec(t.trim())
    if (!m) throw new UserError(`--sizes: "${t}" is not BxNxM (e.g. 5x150x75)`)
    const v = [Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number]
    if (v.some((x) => x < 1)) throw new UserError(`--sizes: "${t}" has a zero dimension`)
    return v
  })
}

/** Uniform [0, 1) costs from a fixed seed (mulberry32), so every run times the same problem. */
function randomBatch(B: number, N: number, M: number, f32: boolean, seed: number): DtwBatch<FloatArray> {
  let a = seed >>> 0
  const cost = f32 ? new Float32Array(B * N * M) : new Float64Array(B * N * M)
  for (let k = 0; k < cost.length; k++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    cost[k] = ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const offset = new Float64Array(B)
  for (let b = 0; b < B; b++) offset[b] = b * N * M
  return {
    cost,
    n: new Int32Array(B).fill(N),
    m: new Int32Array(B).fill(M),
    offset,
    stride: new Int32Array(B).fill(M),
  }
}

/** Time forward+backward (soft-DTW, seed steps, gradient on) of each size, backend and dtype. */
export function benchDtw(
  sizes: [number, number, number][],
  backends: DtwBackendName[],
  dtypes: ('float32' | 'float64')[],
  gamma: number,
  runs: number,
): DtwBenchRow[] {
  const rows: DtwBenchRow[] = []
  for (const backend of backends) {
    const threads = listDtwBackends().find((b) => b.name === backend)?.threads ?? 1
    for (const dtype of dtypes)
      for (const [B, N, M] of sizes) {
        const batch = randomBatch(B, N, M, dtype === 'float32', 1234 + B * 7 + N * 13 + M)
        const opts = { gamma, backend, grad: true }
        dtwBatch(batch, opts) // warm-up (JIT, scratch buffers)
        let best = Number.POSITIVE_INFINITY
        const t0 = performance.now()
        for (let r = 0; r < runs || (performance.now() - t0 < 300 && r < 200); r++) {
          const t = performance.now()
          dtwBatch(batch, opts)
          best = Math.min(best, performance.now() - t)
        }
        rows.push({
          backend,
          dtype,
          threads,
          B,
          N,
          M,
          ms: Number(best.toFixed(3)),
          mcellsPerS: Number(((B * N * M) / best / 1e3).toFixed(2)),
        })
      }
  }
  return rows
}

export function register(program: Command): void {
  const bench = program.command('bench').description('benchmarks of the engines (best of several runs)')
  bench
    .command('dtw')
    .description('soft-DTW forward+backward throughput [Mcells/s] per backend and storage type')
    .option('--sizes <list>', 'comma-separated BxNxM (batch x frames x targets)', DEFAULT_SIZES)
    .option('--backend <name>', 'ts | native | cuda | all (all registered)', 'all')
    .option('--dtype <type>', 'float32 | float64 | all', 'all')
    .option('--gamma <g>', 'soft-min smoothing', '1')
    .option('--runs <n>', 'timed runs per row, at least (the best is reported)', '5')
    .option('--json', 'print one JSON array')
    .action(
      (o: { sizes: string; backend: string; dtype: string; gamma: string; runs: string; json?: boolean }) => {
        const sizes = parseSizes(o.sizes)
        const registered = listDtwBackends().map((b) => b.name)
        let backends: DtwBackendName[]
        if (o.backend === 'all') backends = registered
        else if (['ts', 'native', 'cuda'].includes(o.backend)) {
          if (!registered.includes(o.backend as DtwBackendName))
            throw new UserError(
              `DTW backend "${o.backend}" is not available here (registered: ${registered.join(', ')})`,
            )
          backends = [o.backend as DtwBackendName]
        } else throw new UserError(`--backend must be ts, native, cuda or all, got "${o.backend}"`)
        const dtypes: ('float32' | 'float64')[] =
          o.dtype === 'all'
            ? ['float64', 'float32']
            : o.dtype === 'float32' || o.dtype === 'float64'
              ? [o.dtype]
              : []
        if (dtypes.length === 0)
          throw new UserError(`--dtype must be float32, float64 or all, got "${o.dtype}"`)
        const gamma = Number(o.gamma)
        const runs = Number(o.runs)
        if (!(gamma > 0)) throw new UserError(`--gamma must be a number > 0, got "${o.gamma}"`)
        if (!Number.isInteger(runs) || runs < 1)
          throw new UserError(`--runs must be an integer ≥ 1, got "${o.runs}"`)
        const rows = benchDtw(sizes, backends, dtypes, gamma, runs)
        if (o.json) printJson(rows)
        else {
          printLine('backend\tdtype\tthreads\tB×N×M\tms\tMcells/s')
          for (const r of rows)
            printLine(
              `${r.backend}\t${r.dtype}\t${r.threads}\t${r.B}×${r.N}×${r.M}\t${r.ms}\t${r.mcellsPerS}`,
            )
        }
      },
    )
}
