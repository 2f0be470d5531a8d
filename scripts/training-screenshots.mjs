// Screenshots of the Training and Insight views for the README and docs/training.md: runs browser mode on
// a fresh library (the shipped model is seeded as the active one), trains on a corpus manifest from the
// Training view, makes the new model active, re-aligns a held-out recording, and opens the insight views.
// Writes docs/screenshots/training-*.png and insight-*.png.
//   npm run build && node scripts/training-screenshots.mjs [--manifest ../shared/data/manifest.json] [--epochs 30]
// Needs Debian's chromium and the corpus (the first run computes its features: a few minutes).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : dflt
}
const manifest = resolve(arg('--manifest', resolve(root, '../shared/data/manifest.json')))
const epochs = arg('--epochs', '30')
const recording = arg('--recording', resolve(dirname(manifest), 'pop909/pop909-011.mp3'))
const out = join(root, 'docs', 'screenshots')
mkdirSync(out, { recursive: true })

const dir = mkdtempSync(join(tmpdir(), 'cw-train-shots-'))
const server = spawn(
  process.execPath,
  [join(root, 'bin/chordwarp.js'), 'serve', '--port', '0', '--db', join(dir, 'lib.db'), '--json'],
  { cwd: root },
)
server.stderr.on('data', (d) => process.stderr.write(d))
const url = await new Promise((res, rej) => {
  let buf = ''
  server.stdout.on('data', (d) => {
    buf += d
    if (buf.includes('\n')) res(JSON.parse(buf.split('\n')[0]).url)
  })
  server.on('exit', (c) => rej(new Error(`serve exited ${c}`)))
})

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.setDefaultTimeout(600_000)
  await page.goto(url)
  // the recording to re-align and inspect: imported by path with its .lab and .chords.txt
  await page.getByTestId('import-path').fill(recording)
  await page.getByTestId('import-path-submit').click()
  await page.getByTestId('editor').waitFor()

  await page.getByTestId('nav-training').click()
  await page.locator('[data-testid=accelerator] .chip').first().waitFor()
  await page.getByTestId('corpus-manifest').check()
  await page.getByTestId('manifest-path').fill(manifest)
  await page.getByTestId('epochs').fill(epochs)
  await page.getByTestId('train-start').click()
  // mid-run
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points')) >= 8,
  )
  await page.evaluate(() => document.querySelector('main > *')?.scrollTo(0, 0))
  await page.screenshot({ path: join(out, 'training-running.png') })
  await page.getByTestId('train-result').waitFor()
  await page.getByTestId('heldout-details').evaluate((d) => {
    d.open = true
  })
  await page.evaluate(() => document.querySelector('main > *')?.scrollTo(0, 0))
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(out, 'training-done.png') })

  await page.getByTestId('activate-model').click()
  await page.getByTestId('new-model-active').waitFor()
  await page.getByTestId('realign').click()
  await page.waitForSelector('[data-testid=editor][data-busy=""]')
  await page.waitForTimeout(500)
  await page.screenshot({ path: join(out, 'editor-model-aligned.png') })

  await page.getByTestId('nav-insight').click()
  await page.getByTestId('template-heatmap').waitFor()
  await page.getByTestId('insight-distribution').click()
  await page.getByTestId('class-distribution').waitFor()
  await page.getByTestId('insight-alignment').click()
  const canvas = page.getByTestId('expected-alignment')
  await canvas.waitFor()
  if (await page.getByTestId('alignment-start').count()) await page.getByTestId('alignment-start').fill('62')
  const box = await canvas.boundingBox()
  await canvas.click({ position: { x: box.width * 0.3, y: box.height * 0.3 } })
  await page.getByTestId('insight-accuracy').click()
  await page.getByTestId('model-accuracy').waitFor()
  const section = (testid) => page.locator('section', { has: page.getByTestId(testid) })
  await section('template-heatmap').screenshot({ path: join(out, 'insight-model.png') })
  await section('class-distribution').screenshot({ path: join(out, 'insight-distribution.png') })
  await section('expected-alignment').screenshot({ path: join(out, 'insight-alignment.png') })
  await section('model-accuracy').screenshot({ path: join(out, 'insight-accuracy.png') })
  console.log(`screenshots written to ${out}`)
} finally {
  await browser.close()
  server.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
