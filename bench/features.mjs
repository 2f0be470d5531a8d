// Features benchmark: real-time factor of decode + chroma (fmp, align) on the whole dev corpus and on a
// 60-minute file, peak memory (RSS), and meyda's per-frame chroma as the baseline, all in one run.
//   npm run bench -- features            everything (first run builds bench/data/*.mp3 with ffmpeg, ~1 min)
//   npm run bench -- features --quick    corpus subset, no 60-minute files, one run per row
//   npm run bench -- features --repeat 5 best of 5 runs per row (default 3)
// Each measurement runs in its own child process (one thread, so one core; peak RSS is that task's own).
// Writes bench/results/features.json and prints a Markdown table.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const corpus = process.env.CHORDWARP_CORPUS ?? resolve(root, '../shared/data')
const lib = join(root, 'out/bench/features-lib.mjs')
const dataDir = join(root, 'bench/data') // gitignored
let repeat = 3

async function buildLib() {
  const { build } = await import('esbuild')
  await build({
    stdin: {
      contents:
        "export * from './src/core/features/index.ts'\nexport * from './src/backend/features/index.ts'\nexport * from './src/backend/audio/index.ts'\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: lib,
    logLevel: 'warning',
  })
}

// ---------------------------------------------------------------- child: one measured task
async function child(task, files) {
  const L = await import(pathToFileURL(lib).href)
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let audio = 0
  let frames = 0
  let passes = 0
  if (task === 'decode') {
    for (const f of files) audio += (await L.decodeAudioFile(f, () => {})).duration
  } else if (task === 'fmp' || task === 'align') {
    for (const f of files) {
      const r = await L.analyzeFile(f, { pipeline: task })
      audio += r.decode.duration
      frames += r.chroma.frames
      passes = Math.max(passes, r.passes)
    }
  } else if (task === 'ours-fmp-pcm' || task === 'meyda-pcm') {
    // chroma only, from PCM in memory (decode outside the clock): ours vs meyda's per-frame extract
    const pcms = []
    for (const f of files) pcms.push((await L.decodeFileMono(f, 22050)).pcm)
    const s0 = performance.now()
    const u0 = process.cpuUsage()
    if (task === 'meyda-pcm') {
      const Meyda = createRequire(import.meta.url)('meyda')
      Meyda.bufferSize = 4096
      Meyda.sampleRate = 22050
      Meyda.windowingFunction = 'hanning'
      Meyda.chromaBands = 12
      const frame = new Float32Array(4096)
      for (const x of pcms) {
        for (let t = 0; t * 2048 + 4096 <= x.length; t++) {
          frame.set(x.subarray(t * 2048, t * 2048 + 4096))
          Meyda.extract('chroma', frame)
          frames++
        }
        audio += x.length / 22050
      }
    } else {
      for (const x of pcms) {
        frames += L.computeChroma(x, 22050, { pipeline: 'fmp' }).frames
        audio += x.length / 22050
      }
    }
    const u = process.cpuUsage(u0)
    const wall = performance.now() - s0
    report({ task, files: files.length, audio, frames, wallMs: wall, cpuMs: (u.user + u.system) / 1000 })
    return
  } else throw new Error(`unknown task ${task}`)
  const u = process.cpuUsage(c0)
  report({
    task,
    files: files.length,
    audio,
    frames,
    passes,
    wallMs: performance.now() - t0,
    cpuMs: (u.user + u.system) / 1000,
  })
}

function report(r) {
  r.rtf = r.audio / (r.wallMs / 1000)
  r.rtfCpu = r.audio / (r.cpuMs / 1000)
  r.maxRssMB = process.resourceUsage().maxRSS / 1024
  process.stdout.write(`${JSON.stringify(r)}\n`)
}

// ---------------------------------------------------------------- parent
/** Best of `repeat` runs (least wall time): other load on a shared machine only ever adds time. */
function run(task, files, label) {
  let out = null
  const walls = []
  for (let i = 0; i < repeat; i++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', task, ...files], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    })
    if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`)
    const o = JSON.parse(r.stdout.trim().split('\n').pop())
    walls.push(Math.round(o.wallMs))
    if (!out || o.wallMs < out.wallMs) out = o
  }
  out.label = label
  out.wallsMs = walls
  process.stderr.write(
    `  ${label.padEnd(34)} ${task.padEnd(13)} ${out.audio.toFixed(0).padStart(6)} s audio  ${(out.wallMs / 1000).toFixed(2).padStart(7)} s  ${out.rtf.toFixed(0).padStart(5)}×  RSS ${out.maxRssMB.toFixed(0)} MB\n`,
  )
  return out
}

/** 60 minutes cut from the POP909 renders, re-encoded (ffmpeg, once). */
function longFiles(items) {
  mkdirSync(dataDir, { recursive: true })
  const list = join(dataDir, 'concat.txt')
  const pops = items.filter((i) => i.id.startsWith('pop909')).map((i) => join(corpus, i.audio))
  writeFileSync(list, pops.map((p) => `file '${p.replace(/'/g, "'\\''")}'`).join('\n'))
  const out = {
    mono22: join(dataDir, 'long-60min-22k-mono.mp3'),
    stereo44: join(dataDir, 'long-60min-44k-stereo.mp3'),
  }
  const ff = (args) =>
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], { stdio: 'inherit' })
  if (!existsSync(out.mono22)) {
    process.stderr.write('building bench/data/long-60min-22k-mono.mp3 …\n')
    ff([
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-t',
      '3600',
      '-ac',
      '1',
      '-ar',
      '22050',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '96k',
      out.mono22,
    ])
  }
  if (!existsSync(out.stereo44)) {
    process.stderr.write('building bench/data/long-60min-44k-stereo.mp3 …\n')
    // two different channels (a mono file stored as stereo would be collapsed back to mono)
    ff([
      '-i',
      out.mono22,
      '-af',
      'pan=stereo|c0=c0|c1=0.8*c0',
      '-ar',
      '44100',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '192k',
      out.stereo44,
    ])
  }
  return out
}

async function main() {
  const args = process.argv.slice(2)
  if (args[0] === '--child') return child(args[1], args.slice(2))
  const quick = args.includes('--quick')
  const r = args.indexOf('--repeat')
  repeat = r >= 0 ? Number(args[r + 1]) : quick ? 1 : 3
  await buildLib()
  const items = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')).items
  const all = items.map((i) => join(corpus, i.audio))
  const files = quick ? all.filter((_, i) => i % 4 === 0) : all
  const results = []
  process.stderr.write(`corpus: ${files.length} files\n`)
  for (const task of ['decode', 'fmp', 'align'])
    results.push(run(task, files, quick ? 'corpus (every 4th)' : 'corpus (40 items)'))
  const sub = items
    .filter((i) => ['pop909-001', 'pop909-002', 'pop909-003'].includes(i.id))
    .map((i) => join(corpus, i.audio))
  for (const task of ['ours-fmp-pcm', 'meyda-pcm'])
    results.push(run(task, sub, 'pop909-001…003, PCM in memory'))
  if (!quick) {
    const long = longFiles(items)
    for (const [name, f] of [
      ['60 min, 22.05 kHz mono MP3', long.mono22],
      ['60 min, 44.1 kHz stereo MP3', long.stereo44],
    ])
      for (const task of ['decode', 'fmp', 'align']) results.push(run(task, [f], name))
  }
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: root,
    encoding: 'utf8',
  }).stdout.trim()
  const meta = {
    date: new Date().toISOString(),
    commit,
    node: process.version,
    cpu: cpus()[0]?.model ?? '?',
    cores: cpus().length,
    loadAverageAtStart: loadavg(),
    repeat,
    note: 'one child process per run (single thread); best of `repeat` runs by wall time; rtf = audio seconds / wall seconds; rtfCpu = audio seconds / CPU seconds of that run',
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  // JSON as biome formats it: 2 spaces, short arrays of numbers on one line
  const json = JSON.stringify({ meta, results }, null, 2).replace(
    /\[\s+([-\d.e,\s]+?)\s+\]/g,
    (_, inner) => `[${inner.trim().split(/,\s*/).join(', ')}]`,
  )
  writeFileSync(join(root, 'bench/results/features.json'), `${json}\n`)
  const ours = results.find((r) => r.task === 'ours-fmp-pcm')
  const meyda = results.find((r) => r.task === 'meyda-pcm')
  const lines = [
    '| input | task | audio [s] | wall [s] | × real time (wall) | × real time (CPU) | peak RSS [MB] |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.task} | ${r.audio.toFixed(0)} | ${(r.wallMs / 1000).toFixed(2)} | ${r.rtf.toFixed(0)} | ${r.rtfCpu.toFixed(0)} | ${r.maxRssMB.toFixed(0)} |`,
    ),
  ]
  process.stdout.write(
    `${lines.join('\n')}\n\nfmp chroma from PCM: ours ${(ours.rtf / meyda.rtf).toFixed(1)}× meyda's per-frame extract\n`,
  )
  process.stdout.write(
    `(${meta.cpu}, ${meta.cores} cores, load ${meta.loadAverageAtStart.map((x) => x.toFixed(1)).join(' ')}, node ${meta.node}, ${commit})\n`,
  )
}

await main()
