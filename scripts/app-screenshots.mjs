// Screenshots of the app for the README and docs/app.md: runs browser mode on a fresh library, uses it
// as a person would (upload, type the chords, align, edit) and writes docs/screenshots/*.png.
//   npm run build && node scripts/app-screenshots.mjs
// Needs Debian's chromium and the shared corpus (../shared/data).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const corpus = process.env.CHORDWARP_CORPUS ?? resolve(root, '../shared/data')
const out = join(root, 'docs', 'screenshots')
mkdirSync(out, { recursive: true })

const dir = mkdtempSync(join(tmpdir(), 'cw-shots-'))
const server = spawn(
  process.execPath,
  [join(root, 'bin/chordwarp.js'), 'serve', '--port', '0', '--db', join(dir, 'lib.db'), '--json'],
  {
    cwd: root,
  },
)
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
  args: ['--no-sandbox'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1320, height: 820 } })
  page.setDefaultTimeout(60_000)
  await page.goto(url)

  // a small library: two recordings imported with their reference annotations, one reviewed
  for (const id of ['synth06', 'synth10']) {
    await page.getByTestId('import-path').fill(join(corpus, 'synth', `${id}.wav`))
    await page.getByTestId('import-path-submit').click()
    await page.getByTestId('editor').waitFor()
    if (id === 'synth06') {
      await page.getByTestId('reviewed').check()
      await page.keyboard.press('Control+s')
      await page.waitForSelector('[data-testid=revision][data-current=true][data-id="2"]')
    }
    await page.getByRole('button', { name: 'Library', exact: true }).click()
  }

  // the main example: upload audio, type the chords, align
  const item = 'synth13'
  const chooser = page.waitForEvent('filechooser')
  await page.getByTestId('open-audio').click()
  await (await chooser).setFiles(join(corpus, 'synth', `${item}.mp3`))
  await page.waitForSelector('[data-testid=play]:not([disabled])')
  await page
    .getByTestId('chord-sequence')
    .fill(readFileSync(join(corpus, 'synth', `${item}.chords.txt`), 'utf8').trim())
  await page.getByTestId('align').click()
  await page.waitForSelector('[data-testid=editor][data-busy=""]')
  await page.waitForSelector('.toast', { state: 'detached' })
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(out, 'editor-aligned.png') })

  // zoomed in, a boundary locked, a chord being relabelled
  await page.locator('[data-testid=segment]').nth(4).click()
  await page.getByTestId('zoom').fill('150')
  await page.waitForTimeout(300)
  await page.locator('[data-testid=segment]').nth(4).click() // the zoom kept it in view
  await page.keyboard.press('ArrowRight') // focus the boundary after the chord
  await page.keyboard.press('l') // lock it
  await page.keyboard.press('ArrowUp') // select the chord before
  await page.keyboard.type('Bm7') // and start relabelling it
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(out, 'editor-editing.png') })
  await page.keyboard.press('Escape')

  // errors in the typed sequence are marked where they are
  await page.getByTestId('chord-sequence').fill('| C G/B | Am7 Hm |\n|: F C/E :| Dm7 G7sus4 x2')
  await page.waitForTimeout(200)
  await page.locator('section.box').screenshot({ path: join(out, 'sequence-errors.png') })

  await page.getByRole('button', { name: 'Library', exact: true }).click()
  await page.getByTestId('library-item').first().waitFor()
  await page.screenshot({ path: join(out, 'library.png') })
  console.log(`screenshots written to ${out}`)
} finally {
  await browser.close()
  server.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
