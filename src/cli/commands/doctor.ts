/**
 * `chordwarp doctor`: what this installation computes with — DTW backends present and which one `auto`
 * picks (and why the others are not used), the native addon (file, build, -march, SIMD width, whether it
 * is stale), CPU features, GPUs, versions, and the tfjs packages.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Command } from 'commander'
import { buildRecord, findRoot, nativeSourceHash, nativeStatus } from '../../backend/native'
import { describeTfBackend, selectTfBackend, type TfBackendAttempt } from '../../backend/tf-backend'
import {
  type DtwBatchInfo,
  type DtwOptions,
  listDtwBackends,
  resolveDtwOptions,
  selectDtwBackend,
} from '../../core/dtw'
import { printJson, printLine } from '../output'

/** A representative DTW call and the backend `auto` picks for it. */
interface AutoChoice {
  call: string
  backend: string
  reason: string
}

const PROBES: [string, Partial<DtwOptions>, DtwBatchInfo][] = [
  [
    'training batch 5×150×75, soft-DTW',
    { gamma: 1 },
    { dtype: 'float32', items: 5, cells: 5 * 150 * 75, maxN: 150, maxM: 75 },
  ],
  [
    'large batch 32×1024×64, soft-DTW',
    { gamma: 1 },
    { dtype: 'float32', items: 32, cells: 32 * 1024 * 64, maxN: 1024, maxM: 64 },
  ],
  [
    'alignment 1×20000×60, hard DTW + path',
    { gamma: 0, steps: 'stay-advance' },
    { dtype: 'float64', items: 1, cells: 20000 * 60, maxN: 20000, maxM: 60 },
  ],
]

function autoChoices(): AutoChoice[] {
  return PROBES.map(([call, o, info]) => {
    const c = selectDtwBackend('auto', resolveDtwOptions(o), info)
    return { call, backend: c.backend.name, reason: c.reason }
  })
}

/** Version of an installed package, or null. */
function packageVersion(name: string): string | null {
  try {
    const require = createRequire(import.meta.url)
    const p = require.resolve(`${name}/package.json`)
    return (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version ?? '?'
  } catch {
    return null
  }
}

/**
 * The tfjs backend that training selects (`selectTfBackend`, src/backend/tf-backend.ts: node-gpu → node →
 * wasm → cpu, or `$CHORDWARP_TF_BACKEND`), why each earlier candidate failed, and the installed tfjs
 * packages.
 */
export async function tfjsSection(): Promise<{
  inUse: string | null
  candidate: string | null
  gpu: boolean
  attempts: TfBackendAttempt[]
  note: string
  packages: Record<string, string | null>
}> {
  const packages: Record<string, string | null> = {}
  for (const p of [
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
    '@tensorflow/tfjs-backend-wasm',
  ])
    packages[p] = packageVersion(p)
  try {
    const r = await selectTfBackend()
    return {
      inUse: r.backend,
      candidate: r.candidate,
      gpu: r.gpu,
      attempts: r.attempts,
      note: describeTfBackend(r),
      packages,
    }
  } catch (e) {
    return { inUse: null, candidate: null, gpu: false, attempts: [], note: (e as Error).message, packages }
  }
}

export interface DoctorReport {
  chordwarp: string
  node: string
  napi: string | null
  platform: string
  dtw: {
    backends: { name: string; priority: number; threads: number }[]
    auto: AutoChoice[]
    native: {
      loaded: boolean
      file: string | null
      source: string | null
      reason: string | null
      threads: number
      addonVersion: string | null
      build: Record<string, unknown> | null
      buildRecord: Record<string, unknown> | null
      stale: boolean | null
    }
    cuda: { registered: boolean; reason: string | null; compiled: boolean; runtime: number; driver: number }
  }
  cpu: { model: string; hardwareThreads: number; features: string[] } | null
  gpus: { name: string; memoryGiB: number; computeCapability: string; multiprocessors: number }[]
  tfjs: Awaited<ReturnType<typeof tfjsSection>>
}

export async function doctorReport(): Promise<DoctorReport> {
  const st = nativeStatus()
  const addon = st.load.addon
  const root = findRoot()
  const rec = root ? buildRecord(root) : null
  const hash = root ? nativeSourceHash(root) : null
  const probe = st.cuda.probe
  const cpu = addon
    ? (JSON.parse(addon.cpuFeatures()) as { model: string; hardwareThreads: number; features: string[] })
    : null
  return {
    chordwarp: '0.1.0',
    node: process.version,
    napi: process.versions.napi ?? null,
    platform: `${process.platform}-${process.arch}`,
    dtw: {
      backends: listDtwBackends().map((b) => ({ name: b.name, priority: b.priority, threads: b.threads })),
      auto: autoChoices(),
      native: {
        loaded: addon !== null,
        file: st.load.path,
        source: st.load.source,
        reason: st.load.reason,
        threads: st.native.threads,
        addonVersion: addon?.version ?? null,
        build: addon ? (JSON.parse(addon.buildInfo) as Record<string, unknown>) : null,
        buildRecord: rec as unknown as Record<string, unknown> | null,
        stale: rec && hash ? rec.sourceHash !== hash : null,
      },
      cuda: {
        registered: st.cuda.registered,
        reason: st.cuda.reason,
        compiled: probe?.compiled ?? false,
        runtime: probe?.runtimeVersion ?? 0,
        driver: probe?.driverVersion ?? 0,
      },
    },
    cpu,
    gpus: (probe?.devices ?? []).map((d) => ({
      name: d.name,
      memoryGiB: Math.round((d.totalMemory / 2 ** 30) * 10) / 10,
      computeCapability: d.computeCapability,
      multiprocessors: d.multiprocessors,
    })),
    tfjs: await tfjsSection(),
  }
}

function printReport(r: DoctorReport): void {
  const n = r.dtw.native
  printLine(`chordwarp ${r.chordwarp} · node ${r.node} (N-API ${r.napi ?? '?'}) · ${r.platform}`)
  printLine('')
  printLine('DTW backends (registered, auto order):')
  for (const b of r.dtw.backends)
    printLine(
      `  ${b.name.padEnd(7)} priority ${b.priority}, ${b.threads} thread${b.threads === 1 ? '' : 's'}`,
    )
  if (!r.dtw.backends.some((b) => b.name === 'native')) printLine(`  native  not available: ${n.reason}`)
  if (!r.dtw.cuda.registered) printLine(`  cuda    not available: ${r.dtw.cuda.reason}`)
  printLine('auto picks:')
  for (const a of r.dtw.auto) printLine(`  ${a.call}: ${a.reason}`)
  printLine('')
  if (n.loaded) {
    const b = n.build as {
      simdBytes: number
      lanesF64: number
      isa: string[]
      compiler: string
      march?: string
      cuda: boolean
    }
    printLine(`native addon ${n.addonVersion}: ${n.file} (${n.source})`)
    printLine(
      `  built with ${b.compiler}, -march=${b.march ?? '?'}, SIMD ${b.simdBytes * 8}-bit (${b.lanesF64} doubles/vector: ${b.isa.join(' ')}), CUDA kernels ${b.cuda ? 'compiled in' : 'not compiled'}`,
    )
    if (n.buildRecord) printLine(`  build record: ${String((n.buildRecord as { builtAt?: string }).builtAt)}`)
    if (n.stale === true)
      printLine('  STALE: native/ changed since this build — run "npm run build:native" to rebuild')
    else if (n.stale === false) printLine('  up to date with native/ sources')
  } else {
    printLine(`native addon: not loaded — ${n.reason}`)
  }
  if (r.cpu)
    printLine(
      `CPU: ${r.cpu.model || 'unknown'}, ${r.cpu.hardwareThreads} hardware threads, ${r.cpu.features.join(' ')}`,
    )
  if (r.gpus.length === 0) printLine(`GPU: none usable (${r.dtw.cuda.reason ?? 'unknown'})`)
  for (const g of r.gpus)
    printLine(
      `GPU: ${g.name}, ${g.memoryGiB} GiB, compute capability ${g.computeCapability}, ${g.multiprocessors} SMs`,
    )
  printLine('')
  printLine(`tfjs: ${r.tfjs.inUse ? r.tfjs.note : `no backend (${r.tfjs.note})`}`)
  for (const [p, v] of Object.entries(r.tfjs.packages)) printLine(`  ${p}: ${v ?? 'not installed'}`)
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('backends, versions and accelerators in use')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const r = await doctorReport()
      if (o.json) printJson(r)
      else printReport(r)
    })
}
