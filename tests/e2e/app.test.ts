/**
 * The app as a person uses it, in browser mode (`chordwarp serve`) with Debian's Chromium: open a
 * recording of the shared corpus, type its chord sequence, align, check the segments against the
 * reference .lab, move a boundary, undo, save, export, re-open and find the saved revision. Every
 * step leaves a screenshot in test-results/e2e/.
 */
import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TASKS_AVAILABLE } from '../../src/backend/service/wiring'
import { parseLab, type Segment } from '../../src/core/chords'
import { corpusPath, hasCorpus, loadManifest } from '../helpers/corpus'
import { majminAccuracy } from './accuracy'
import { browserMissing, launch, type Served, serve, shot, watchErrors } from './harness'

const missing = browserMissing()
if (missing) console.warn(`[e2e] skipped: ${missing}`)
/** The flow needs alignment and chroma; without them only the page checks run. */
const noAlign =
  TASKS_AVAILABLE.align && TASKS_AVAILABLE.chroma
    ? null
    : 'alignment or chroma is not wired into this build (src/backend/service/wiring.ts)'
if (!missing && noAlign) console.warn(`[e2e] the editing flow is skipped: ${noAlign}`)
const flow = it.skipIf(!!noAlign)

/** The segments the chord lane shows, read from the DOM as a test reads them. */
async function laneSegments(page: Page): Promise<Segment[]> {
  return page.$$eval('[data-testid=segment]', (els) =>
    els.map((e) => ({
      start: Number(e.getAttribute('data-start')),
      end: Number(e.getAttribute('data-end')),
      label: e.getAttribute('data-label')!,
    })),
  )
}

describe.skipIf(!!missing || !hasCorpus())('browser mode, as a person uses it', () => {
  let server: Served
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]
  const item = loadManifest().find((i) => i.id === 'synth01')!

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([serve(), launch()])
    context = await browser.newContext({ viewport: { width: 1320, height: 860 }, acceptDownloads: true })
    page = await context.newPage()
    page.setDefaultTimeout(15_000)
    errors = watchErrors(page)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('opens on the library, and the page has no Node APIs and obeys its CSP', async () => {
    await page.goto(server.url)
    await page.waitForSelector('[data-testid=open-audio]')
    expect(new URL(page.url()).search).toBe('') // the token left the address bar
    const globals = await page.evaluate('[typeof require, typeof process, typeof module, typeof Buffer]')
    expect(globals).toEqual(['undefined', 'undefined', 'undefined', 'undefined'])
    const inline = await page.evaluate(`(() => {
      const s = document.createElement('script')
      s.textContent = 'window.__inlineRan = true'
      document.body.appendChild(s)
      return window.__inlineRan ?? false
    })()`)
    expect(inline).toBe(false)
    // the browser reports the blocked script (twice: the CSP header and the meta tag); expected here
    expect(errors.filter((e) => !e.includes('Content Security Policy'))).toEqual([])
    errors.length = 0
    await shot(page, '01-library-empty')
  })

  flow('opens a corpus recording, aligns its typed sequence, and matches the reference', async () => {
    // The page must not fetch the whole file to decode it: the waveform comes from the backend's
    // peaks and the media element streams the audio with range requests.
    const audioRequests: { type: string; range: string | undefined }[] = []
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/audio/'))
        audioRequests.push({ type: r.resourceType(), range: r.headers().range })
    })
    const peaks = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/call/getPeaks')
    const chooser = page.waitForEvent('filechooser')
    await page.getByTestId('open-audio').click()
    await (await chooser).setFiles(corpusPath(item.audio))
    await page.waitForSelector('[data-testid=chord-sequence]')
    expect((await peaks).status()).toBe(200)
    await page.waitForSelector('[data-testid=waveform][data-source=peaks]')
    await page.waitForSelector('[data-testid=play]:not([disabled])')
    expect(await page.locator('[data-testid=waveform] canvas').count()).toBeGreaterThan(0)
    // the drawn waveform has ink: wavesurfer rendered the peaks (the canvas is in its shadow root)
    const inked = await page
      .locator('[data-testid=waveform] canvas')
      .first()
      .evaluate((el) => {
        // (the node tsconfig has no DOM types: the canvas API this needs, spelled out)
        type Ctx = { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } }
        const c = el as unknown as { width: number; height: number; getContext(kind: '2d'): Ctx }
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
        let n = 0
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++
        return n / (c.width * c.height)
      })
    expect(inked).toBeGreaterThan(0.05)
    await shot(page, '02-editor-opened')
    await expect.poll(() => audioRequests.length, { timeout: 10_000 }).toBeGreaterThan(0)
    for (const r of audioRequests) {
      expect(r.type).toBe('media')
      expect(r.range).toMatch(/^bytes=\d+-/)
    }

    const typed = readFileSync(corpusPath(item.chords), 'utf8').trim()
    await page.getByTestId('chord-sequence').click()
    await page.keyboard.type(typed)
    expect(await page.getByTestId('sequence-count').textContent()).toMatch(/^\d+ chords/)
    await shot(page, '03-sequence-typed')

    await page.getByTestId('align').click()
    await page.waitForSelector('[data-testid=editor][data-busy=""]', { timeout: 60_000 })
    await page.waitForSelector('[data-testid=segment][data-confidence]:not([data-confidence=""])')
    await shot(page, '04-aligned')

    const ref = parseLab(readFileSync(corpusPath(item.lab), 'utf8')).segments
    const est = await laneSegments(page)
    const acc = majminAccuracy(ref, est)
    console.log(`[e2e] ${item.id}: ${est.length} segments, majmin frame accuracy ${acc.toFixed(3)}`)
    expect(acc).toBeGreaterThanOrEqual(0.9)
    expect(errors).toEqual([])
  })

  flow('moves a boundary by dragging, and undo puts it back exactly', async () => {
    const before = await laneSegments(page)
    const handle = page.locator('[data-testid=boundary]').nth(2)
    const box = (await handle.boundingBox())!
    const x = box.x + box.width / 2
    const y = box.y + box.height / 2
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x + 25, y, { steps: 5 })
    await page.mouse.move(x + 50, y, { steps: 5 })
    await page.mouse.up()
    const moved = await laneSegments(page)
    const b = Number(await handle.getAttribute('data-index'))
    expect(moved[b]!.end).toBeGreaterThan(before[b]!.end + 0.2)
    expect(moved[b + 1]!.start).toBe(moved[b]!.end)
    await shot(page, '05-boundary-moved')

    await page.keyboard.press('Control+z')
    expect(await laneSegments(page)).toEqual(before)
    await page.keyboard.press('Control+Shift+z')
    expect(await laneSegments(page)).toEqual(moved)
    await page.keyboard.press('Control+z')
    expect(await laneSegments(page)).toEqual(before)
    await shot(page, '06-undone')
  })

  flow('keeps a locked boundary where the user put it when aligning again', async () => {
    const handle = page.locator('[data-testid=boundary]').nth(3)
    const box = (await handle.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + 10)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2 - 30, box.y + 10, { steps: 6 })
    await page.mouse.up()
    const placed = Number(await handle.getAttribute('data-time'))
    await page.keyboard.press('l')
    expect(await handle.getAttribute('data-locked')).toBe('true')
    await page.getByTestId('align').click()
    await page.waitForSelector('[data-testid=editor][data-busy=""]', { timeout: 60_000 })
    const locked = page.locator('[data-testid=boundary][data-locked=true]')
    expect(await locked.count()).toBe(1)
    expect(Number(await locked.getAttribute('data-time'))).toBeCloseTo(placed, 6)
    await shot(page, '07-locked-realigned')
  })

  flow('saves a revision and exports the .lab it shows', async () => {
    await page.getByTestId('save-annotation').click()
    await page.waitForSelector('[data-testid=revision][data-current=true]')
    await shot(page, '08-saved')

    const download = page.waitForEvent('download')
    await page.getByTestId('export-lab').click()
    const file = await download
    expect(file.suggestedFilename()).toBe(`${item.id}.lab`)
    const text = readFileSync((await file.path())!, 'utf8')
    const exported = parseLab(text).segments
    const shown = await laneSegments(page)
    expect(exported.map((s) => s.label)).toEqual(shown.map((s) => s.label))
    for (let i = 0; i < shown.length; i++) {
      expect(exported[i]!.start).toBeCloseTo(shown[i]!.start, 5)
      expect(exported[i]!.end).toBeCloseTo(shown[i]!.end, 5)
    }
  })

  flow('re-opens the recording from the library and finds the saved revision', async () => {
    const saved = await laneSegments(page)
    const revId = await page.locator('[data-testid=revision][data-current=true]').getAttribute('data-id')
    await page.getByRole('button', { name: 'Library' }).click()
    const row = page.getByTestId('library-item').filter({ hasText: item.id })
    await row.waitFor()
    expect(await row.getAttribute('data-status')).toBe('aligned')
    await shot(page, '09-library-with-item')
    await page.reload()
    await row.locator('.open').click()
    await page.waitForSelector(`[data-testid=revision][data-id="${revId}"][data-current=true]`)
    await page.waitForSelector('[data-testid=segment]')
    expect(await laneSegments(page)).toEqual(saved)
    await shot(page, '10-reopened')
  })

  flow('keeps unsaved edits as a draft across a reload', async () => {
    const before = await laneSegments(page)
    const seg = page.locator('[data-testid=segment]').nth(1)
    await seg.click()
    await page.keyboard.press('m') // merge with the next chord
    const merged = await laneSegments(page)
    expect(merged.length).toBe(before.length - 1)
    await page.waitForSelector('[data-testid=unsaved][data-draft=kept]')
    await page.reload()
    await page.getByTestId('library-item').filter({ hasText: item.id }).locator('.open').click()
    await page.waitForSelector('text=Restored your unsaved changes')
    expect(await laneSegments(page)).toEqual(merged)
    await shot(page, '11-draft-restored')
    expect(errors).toEqual([])
  })

  flow('shows the progress of a long job and cancels it', async () => {
    const long = loadManifest().find((i) => i.id === 'pop909-011')!
    await page.getByRole('button', { name: 'Library', exact: true }).click()
    const chooser = page.waitForEvent('filechooser')
    await page.getByTestId('open-audio').click()
    await (await chooser).setFiles(corpusPath(long.audio))
    const job = page.locator('[data-testid=job][data-kind=chroma]')
    await job.waitFor()
    await shot(page, '12-long-job')
    await job.getByTestId('job-cancel').click()
    await job.waitFor({ state: 'detached' })
    // nothing was computed; the user can ask again
    await page.getByTestId('compute-chroma').waitFor()
    expect(errors).toEqual([])
  })

  flow('flags the boundaries the aligner is unsure of, and U steps through the places to check', async () => {
    // synth11: one-beat chord changes at 150 bpm, where the aligner is unsure of several places
    const fast = loadManifest().find((i) => i.id === 'synth11')!
    await page.getByRole('button', { name: 'Library', exact: true }).click()
    const chooser = page.waitForEvent('filechooser')
    await page.getByTestId('open-audio').click()
    await (await chooser).setFiles(corpusPath(fast.audio))
    await page.waitForSelector('[data-testid=chord-sequence]')
    await page.getByTestId('chord-sequence').click()
    await page.keyboard.type(readFileSync(corpusPath(fast.chords), 'utf8').trim())
    await page.getByTestId('align').click()
    await page.waitForSelector('[data-testid=editor][data-busy=""]', { timeout: 60_000 })
    await page.waitForSelector('[data-testid=segment][data-confidence]:not([data-confidence=""])')
    // what the lane shows: chords with their confidence, boundaries with theirs and whether flagged
    const segs = await page.$$eval('[data-testid=segment]', (els) =>
      els.map((e) => ({
        start: Number(e.getAttribute('data-start')),
        conf: e.getAttribute('data-confidence'),
      })),
    )
    const bnds = await page.$$eval('[data-testid=boundary]', (els) =>
      els.map((e) => ({ conf: e.getAttribute('data-confidence'), flagged: e.classList.contains('unsure') })),
    )
    expect(bnds.length).toBe(segs.length - 1)
    // every boundary the aligner placed has its confidence; exactly those below 0.5 are flagged
    for (const b of bnds) {
      expect(b.conf).not.toBe('')
      expect(b.flagged).toBe(Number(b.conf) < 0.5)
    }
    // the places to check, in time order: a flagged boundary, then a chord below 0.8 starting there
    const places: string[] = []
    segs.forEach((s, i) => {
      if (i > 0 && bnds[i - 1]!.flagged) places.push(`boundary ${i - 1}`)
      if (s.conf !== '' && Number(s.conf) < 0.8) places.push(`segment ${i}`)
    })
    console.log(
      `[e2e] ${fast.id}: ${bnds.filter((b) => b.flagged).length} of ${bnds.length} boundaries flagged, ${places.length} places to check`,
    )
    expect(places.length).toBeGreaterThan(0) // what this clip is here for
    const focus = async () => {
      const b = page.locator('[data-testid=boundary].focused')
      if ((await b.count()) === 1) return `boundary ${await b.getAttribute('data-index')}`
      const c = page.locator('[data-testid=segment][aria-selected=true]')
      return (await c.count()) === 1 ? `segment ${await c.getAttribute('data-index')}` : null
    }
    await page.keyboard.press('Escape')
    const visited: string[] = []
    for (let k = 0; k <= places.length; k++) {
      const before = await focus()
      await page.keyboard.press('u')
      const now = await focus()
      if (now === before || now === null) break
      visited.push(now)
    }
    // from the cursor on, each press went to the next place, in order, and the last press said so
    const first = places.indexOf(visited[0] ?? '')
    expect(first).toBeGreaterThanOrEqual(0)
    expect(visited).toEqual(places.slice(first))
    await page.locator('.toast', { hasText: 'No later place to check' }).waitFor()
    if (visited.length >= 2) {
      await page.keyboard.press('Shift+U')
      expect(await focus()).toBe(visited.at(-2))
    }
    await shot(page, '13-uncertain-flagged')
    expect(errors).toEqual([])
  })

  flow('tags recordings in the library and filters by tag; the tags survive a reload', async () => {
    await page.getByRole('button', { name: 'Library', exact: true }).click()
    const row = page.getByTestId('library-item').filter({ hasText: item.id })
    await row.getByTestId('edit-tags').click()
    await row.getByTestId('tags-input').fill('demo, waltz ,demo')
    await row.getByTestId('tags-input').press('Enter')
    await expect.poll(() => row.getByTestId('tag').allTextContents()).toEqual(['demo', 'waltz'])
    const items = page.getByTestId('library-item')
    expect(await items.count()).toBeGreaterThan(1)
    await page.locator('[data-testid=tag-filter-chip][data-tag=demo]').click()
    await expect.poll(() => items.count()).toBe(1)
    expect(await items.first().getAttribute('data-id')).toBe(await row.getAttribute('data-id'))
    await shot(page, '14-library-tags')
    await page.reload()
    await page.getByTestId('library-item').first().waitFor()
    await expect
      .poll(() =>
        page.getByTestId('library-item').filter({ hasText: item.id }).getByTestId('tag').allTextContents(),
      )
      .toEqual(['demo', 'waltz'])
    // the search box finds recordings by tag too
    await page.getByTestId('library-search').fill('walt')
    await expect.poll(() => page.getByTestId('library-item').count()).toBe(1)
    await page.getByTestId('library-search').fill('')
    expect(errors).toEqual([])
  })
})
