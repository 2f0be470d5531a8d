/**
 * One implementation for Node and the renderer: src/core/features bundled for the browser (esbuild,
 * as the renderer build does) and run in headless Chromium gives the same chroma as Node for the same
 * PCM (within 1e-5), and Web Audio's decode of a WAV gives the PCM our Node decoder gives.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { decodeFileMono } from '../../src/backend/features'
import { type Chroma, computeChroma } from '../../src/core/features'
import { corpusPath, hasCorpus, REPO_ROOT } from '../helpers/corpus'

let browser: Browser
let page: Page

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(REPO_ROOT, 'src/core/features/index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'cwFeatures',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  })
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  page = await browser.newPage()
  await page.setContent('<!doctype html><title>features</title>')
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text })
})

afterAll(async () => {
  await browser?.close()
})

type Plain = Omit<Chroma, 'data' | 'bass'> & { data: number[]; bass?: number[] }

/** computeChroma in the page on the same samples. */
async function inBrowser(pcm: Float32Array, sampleRate: number, options: object): Promise<Plain> {
  return page.evaluate(
    ({ samples, sampleRate, options }) => {
      const f = (globalThis as unknown as { cwFeatures: typeof import('../../src/core/features') }).cwFeatures
      const c = f.computeChroma(Float32Array.from(samples), sampleRate, options)
      return { ...c, data: Array.from(c.data), bass: c.bass ? Array.from(c.bass) : undefined }
    },
    { samples: Array.from(pcm), sampleRate, options },
  )
}

function expectSame(node: Chroma, web: Plain): void {
  expect(web.frames).toBe(node.frames)
  expect(web.frameRate).toBe(node.frameRate)
  expect(web.tuningCents).toBeCloseTo(node.tuningCents, 6)
  for (const [a, b] of [
    [node.data, web.data],
    [node.bass, web.bass],
  ] as const) {
    if (!a) {
      expect(b).toBeUndefined()
      continue
    }
    expect(b!.length).toBe(a.length)
    for (let t = 0; t < node.frames; t++) {
      // raw fmp chroma is in power units: compare relative to the frame's largest value
      let max = 1
      for (let k = 0; k < 12; k++) max = Math.max(max, Math.abs(a[12 * t + k]!))
      for (let k = 0; k < 12; k++)
        expect(Math.abs(a[12 * t + k]! - b![12 * t + k]!)).toBeLessThanOrEqual(1e-5 * max)
    }
  }
}

function chordSignal(sr: number, seconds: number): Float32Array {
  const x = new Float32Array(Math.round(sr * seconds))
  let s = 1
  for (let n = 0; n < x.length; n++) {
    s = (s * 16807) % 2147483647
    const t = n / sr
    const root = t < seconds / 2 ? 261.63 : 220
    x[n] =
      0.3 * Math.sin(2 * Math.PI * root * t) +
      0.2 * Math.sin(2 * Math.PI * root * 1.26 * t) +
      0.2 * Math.sin(2 * Math.PI * root * 1.5 * t) +
      0.02 * (s / 2147483647 - 0.5)
  }
  return x
}

describe('features in Chromium = features in Node', () => {
  test.each([
    ['align', 22050],
    ['fmp', 22050],
    ['align', 44100], // resampled in the page and in Node alike
  ] as const)('%s pipeline, PCM at %i Hz', async (pipeline, sr) => {
    const x = chordSignal(sr, 4)
    const options = { pipeline }
    expectSame(computeChroma(x, sr, options), await inBrowser(x, sr, options))
  })

  test.skipIf(!hasCorpus())(
    "Web Audio decodes a corpus WAV to our integers; the page then gives Node's chroma",
    async () => {
      const path = corpusPath('synth/synth01.wav')
      const node = await decodeFileMono(path)
      const b64 = readFileSync(path).toString('base64')
      const web = await page.evaluate(async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
        // tests compile without the DOM library: the few Web Audio members used here
        type Decoded = {
          sampleRate: number
          numberOfChannels: number
          getChannelData(c: number): Float32Array
        }
        const Offline = (globalThis as unknown as Record<string, unknown>).OfflineAudioContext as new (o: {
          numberOfChannels: number
          length: number
          sampleRate: number
        }) => { decodeAudioData(b: ArrayBuffer): Promise<Decoded> }
        const ctx = new Offline({ numberOfChannels: 1, length: 1, sampleRate: 22050 })
        const buf = await ctx.decodeAudioData(bytes.buffer)
        return {
          rate: buf.sampleRate,
          channels: buf.numberOfChannels,
          samples: Array.from(buf.getChannelData(0)),
        }
      }, b64)
      expect(web.rate).toBe(node.sampleRate)
      expect(web.channels).toBe(1)
      expect(web.samples.length).toBe(node.pcm.length)
      // The same integers: Chromium scales positive 16-bit samples by 1/32767 and negative ones by
      // 1/32768, ffmpeg and we all by 1/32768 (0.0003 dB on the positive half-waves)
      let mismatches = 0
      for (let i = 0; i < node.pcm.length; i++) {
        const v = node.pcm[i]! * 32768
        if (Math.round(web.samples[i]! * (v > 0 ? 32767 : 32768)) !== v) mismatches++
      }
      expect(mismatches).toBe(0)
      // with those integers scaled as ffmpeg does, the page's chroma is Node's
      const pcm = Float32Array.from(web.samples, (x) => Math.round(x * (x > 0 ? 32767 : 32768)) / 32768)
      expectSame(computeChroma(node.pcm, node.sampleRate), await inBrowser(pcm, web.rate, {}))
    },
  )
})
