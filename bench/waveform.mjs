// Waveform of a long recording in the page: before (wavesurfer given only the URL: it fetches the whole
// file and decodes it in the page, as the editor did) against after (the backend's peaks + the exact
// duration: wavesurfer draws them and its <audio> element streams the URL with ranges).
//
// 1. generates an N-minute 44.1 kHz stereo 16-bit file with sox in a temporary folder (never committed);
// 2. runs `chordwarp serve` on a fresh library, imports the file by path and times getPeaks (first: the
//    backend decodes the file; again: the peaks cache);
// 3. in Debian's Chromium (a fresh browser per case), a bare page with the editor's wavesurfer options
//    loads the same audio both ways: time to wavesurfer's `ready`, and the peak resident memory (VmHWM)
//    of the page's renderer process and of all browser processes together;
// 4. the app itself: open the recording in the editor until the waveform is drawn from peaks.
// Writes bench/results/waveform.json (waveform-mp3.json for --format mp3) and prints a Markdown table.
//
//   npm run build && node bench/waveform.mjs [--minutes 60] [--format wav|mp3] [--timeout 240] [--keep]
import { execFileSync, spawn } from 'node:child_process'
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : dflt
}
const MINUTES = Number(arg('minutes', '60'))
const FORMAT = arg('format', 'wav')
const TIMEOUT_S = Number(arg('timeout', '240'))
const KEEP = process.argv.includes('--keep')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const dir = mkdtempSync(join(tmpdir(), 'cw-bench-wave-'))
const MB = (b) => Math.round((b / 2 ** 20) * 10) / 10

// ---- 1. the recording -------------------------------------------------------------------------
const wav = join(dir, `long-${MINUTES}min.wav`)
const t0 = performance.now()
// two tones with a slow tremolo and a 1 s pluck pattern, so the waveform has visible shape
execFileSync('sox', [
  '-n',
  '-r',
  '44100',
  '-c',
  '2',
  '-b',
  '16',
  wav,
  'synth',
  String(MINUTES * 60),
  'sine',
  '220',
  'sine',
  '331',
  'tremolo',
  '0.5',
  '60',
  'gain',
  '-3',
])
let audio = wav
if (FORMAT === 'mp3') {
  audio = join(dir, `long-${MINUTES}min.mp3`)
  execFileSync('ffmpeg', ['-v', 'error', '-i', wav, '-b:a', '192k', audio])
  rmSync(wav)
}
const bytes = statSync(audio).size
console.log(`[bench] ${audio}: ${MB(bytes)} MB, made in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

// ---- 2. the backend ---------------------------------------------------------------------------
const db = join(dir, 'library.db')
const child = spawn(process.execPath, [join(root, 'bin/chordwarp.js'), 'serve', '--port', '0', '--db', db], {
  cwd: root,
})
let out = ''
child.stdout.on('data', (d) => (out += d))
child.stderr.on('data', (d) => (out += d))
const url = await new Promise((res, rej) => {
  const timer = setTimeout(() => rej(new Error(`serve printed no URL:\n${out}`)), 20_000)
  child.stdout.on('data', () => {
    const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out)
    if (m) {
      clearTimeout(timer)
      res(m[1])
    }
  })
})
const base = new URL(url).origin
const token = new URL(url).searchParams.get('token')
async function call(method, input) {
  const r = await fetch(`${base}/api/call/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  })
  const j = await r.json()
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(j)}`)
  return j
}
async function job(ref) {
  for (;;) {
    const s = await call('getJob', { jobId: ref.jobId })
    if (s.state === 'done') return s.result
    if (s.state !== 'running') throw new Error(`job ${s.state}: ${JSON.stringify(s.error)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
const imported = await job(await call('importFiles', { paths: [audio] }))
const rec = imported.imported[0]
if (!rec) throw new Error(`import failed: ${JSON.stringify(imported.skipped)}`)
let t = performance.now()
const peaks = await job(await call('getPeaks', { recordingId: rec.id }))
const peaksFirstMs = performance.now() - t
t = performance.now()
await job(await call('getPeaks', { recordingId: rec.id }))
const peaksCachedMs = performance.now() - t
const peaksJsonBytes = JSON.stringify(peaks).length
console.log(
  `[bench] getPeaks: ${peaks.buckets} buckets at ${peaks.bucketRate}/s, ${MB(peaksJsonBytes)} MB JSON; first ${(peaksFirstMs / 1000).toFixed(2)} s, cached ${peaksCachedMs.toFixed(0)} ms`,
)

// ---- 3. the waveform component alone, both ways -------------------------------------------------
const wsBundle = readFileSync(join(root, 'node_modules/wavesurfer.js/dist/wavesurfer.esm.js'))
const page = `<!doctype html><meta charset="utf-8"><div id="w" style="width:1200px"></div>
<script type="module">
import WaveSurfer from '/ws.js'
const mode = new URLSearchParams(location.search).get('mode')
const o = { container: '#w', height: 96, minPxPerSec: 60, autoScroll: true, autoCenter: true,
  dragToSeek: true, normalize: true, url: '/audio', cursorWidth: 2 }
window.__t0 = performance.now()
if (mode === 'peaks') {
  const dto = await (await fetch('/peaks.json')).json()
  const b = Uint8Array.from(atob(dto.data), (c) => c.charCodeAt(0))
  const q = new Int16Array(b.buffer)
  const max = new Float32Array(dto.buckets), min = new Float32Array(dto.buckets)
  for (let i = 0; i < dto.buckets; i++) { max[i] = q[2 * i] / 32767; min[i] = q[2 * i + 1] / 32767 }
  Object.assign(o, { peaks: [max, min], duration: dto.duration, backend: 'MediaElement' })
}
const ws = WaveSurfer.create(o)
ws.on('ready', () => { window.__ready = performance.now() - window.__t0 })
ws.on('error', (e) => { window.__error = String(e && e.message || e) })
</script>`
const mime = FORMAT === 'mp3' ? 'audio/mpeg' : 'audio/wav'
const audioRequests = []
const mini = createServer((req, res) => {
  const p = new URL(req.url, 'http://x').pathname
  if (p === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end(page)
  if (p === '/ws.js') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(wsBundle)
  if (p === '/peaks.json')
    return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(peaks))
  if (p === '/audio') {
    audioRequests.push(req.headers.range ?? null)
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    if (m) {
      const start = Number(m[1])
      const end = m[2] ? Math.min(Number(m[2]), bytes - 1) : bytes - 1
      res.writeHead(206, {
        'Content-Type': mime,
        'Accept-Ranges': 'bytes',
        'Content-Range': `bytes ${start}-${end}/${bytes}`,
        'Content-Length': end - start + 1,
      })
      return createReadStream(audio, { start, end }).pipe(res)
    }
    res.writeHead(200, { 'Content-Type': mime, 'Accept-Ranges': 'bytes', 'Content-Length': bytes })
    return createReadStream(audio).pipe(res)
  }
  res.writeHead(404).end()
})
await new Promise((r) => mini.listen(0, '127.0.0.1', r))
const miniUrl = `http://127.0.0.1:${mini.address().port}/`

/** Peak resident memory of each browser process [bytes], by CDP process id. */
async function processPeaks(browser) {
  const cdp = await browser.newBrowserCDPSession()
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo')
  const rows = []
  for (const p of processInfo) {
    try {
      const st = readFileSync(`/proc/${p.id}/status`, 'utf8')
      const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(st)?.[1] ?? 0) * 1024
      rows.push({ type: p.type, pid: p.id, peakRss: hwm })
    } catch {}
  }
  return rows
}

async function runCase(name, go) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  const crashed = { value: false }
  try {
    const ctx = await browser.newContext({ viewport: { width: 1320, height: 860 } })
    const pg = await ctx.newPage()
    pg.on('crash', () => (crashed.value = true))
    const r = await go(pg)
    const procs = await processPeaks(browser)
    const renderer = Math.max(0, ...procs.filter((p) => p.type === 'renderer').map((p) => p.peakRss))
    const total = procs.reduce((s, p) => s + p.peakRss, 0)
    const row = {
      case: name,
      ...r,
      rendererPeakMB: MB(renderer),
      allProcessesPeakMB: MB(total),
      crashed: crashed.value,
    }
    console.log(`[bench] ${JSON.stringify(row)}`)
    return row
  } catch (e) {
    const row = { case: name, error: String(e.message ?? e).split('\n')[0], crashed: crashed.value }
    console.log(`[bench] ${JSON.stringify(row)}`)
    return row
  } finally {
    await browser.close().catch(() => {})
  }
}

async function miniCase(mode) {
  audioRequests.length = 0
  return runCase(
    `wavesurfer ${mode === 'peaks' ? 'peaks + duration (after)' : 'url only (before)'}`,
    async (pg) => {
      await pg.goto(`${miniUrl}?mode=${mode}`)
      await pg.waitForFunction('window.__ready !== undefined || window.__error !== undefined', null, {
        timeout: TIMEOUT_S * 1000,
        polling: 200,
      })
      const error = await pg.evaluate('window.__error ?? null')
      if (error) throw new Error(error)
      const readyMs = await pg.evaluate('window.__ready')
      const heap = await pg.evaluate('performance.memory ? performance.memory.usedJSHeapSize : null')
      return {
        readyS: Math.round(readyMs / 10) / 100,
        jsHeapMB: heap === null ? null : MB(heap),
        audioRequests: audioRequests.length,
        wholeFileRequests: audioRequests.filter((r) => r === null).length,
      }
    },
  )
}

const results = []
results.push(await miniCase('url'))
results.push(await miniCase('peaks'))

// ---- 4. the app ----------------------------------------------------------------------------------
results.push(
  await runCase('app editor, peaks cached (reopen)', async (pg) => {
    await pg.goto(url)
    await pg.getByTestId('library-item').first().waitFor()
    const t1 = performance.now()
    await pg.getByTestId('library-item').first().locator('.open').click()
    await pg.waitForSelector('[data-testid=waveform][data-source=peaks]', { timeout: TIMEOUT_S * 1000 })
    await pg.waitForSelector('[data-testid=play]:not([disabled])', { timeout: TIMEOUT_S * 1000 })
    const heap = await pg.evaluate('performance.memory ? performance.memory.usedJSHeapSize : null')
    return {
      readyS: Math.round((performance.now() - t1) / 10) / 100,
      jsHeapMB: heap === null ? null : MB(heap),
    }
  }),
)

child.kill('SIGTERM')
mini.close()
const result = {
  date: new Date().toISOString(),
  audio: { minutes: MINUTES, format: FORMAT, sampleRate: 44100, channels: 2, fileMB: MB(bytes) },
  peaks: {
    bucketRate: peaks.bucketRate,
    buckets: peaks.buckets,
    jsonMB: MB(peaksJsonBytes),
    firstS: Math.round(peaksFirstMs / 10) / 100,
    cachedMs: Math.round(peaksCachedMs),
  },
  cases: results,
  note: 'machine shared by several engineers (2 cores): times are noisy; memory is the VmHWM of the Chromium processes',
}
mkdirSync(join(root, 'bench/results'), { recursive: true })
const outName = FORMAT === 'wav' ? 'waveform.json' : `waveform-${FORMAT}.json`
writeFileSync(join(root, 'bench/results', outName), `${JSON.stringify(result, null, 2)}\n`)
console.log(
  `\n| ${MINUTES}-min ${FORMAT} (${MB(bytes)} MB) | ready [s] | renderer peak RSS [MB] | all Chromium processes [MB] |`,
)
console.log('|---|---|---|---|')
for (const r of results)
  console.log(
    `| ${r.case} | ${r.error ? `failed: ${r.error}` : r.readyS} | ${r.rendererPeakMB ?? '–'} | ${r.allProcessesPeakMB ?? '–'} |`,
  )
console.log(
  `\nbackend getPeaks: ${peaks.buckets} buckets at ${peaks.bucketRate}/s (${MB(peaksJsonBytes)} MB JSON), first ${result.peaks.firstS} s, cached ${result.peaks.cachedMs} ms`,
)
if (!KEEP) rmSync(dir, { recursive: true, force: true })
else console.log(`kept ${dir}`)
