/**
 * Browser-mode harness for the Playwright tests: starts `chordwarp serve` on a fresh library as a user
 * would (port 0, parsing the printed URL), launches Debian's Chromium headless through playwright-core,
 * and saves screenshots of each step under test-results/e2e/.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { REPO_ROOT } from '../helpers/corpus'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SHOTS = join(REPO_ROOT, 'test-results', 'e2e')

/** Why the browser tests cannot run here, or null. */
export function browserMissing(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: apt-get install chromium (.ci/run does this)`
  if (!existsSync(join(REPO_ROOT, 'out/renderer/index.html')))
    return 'the renderer is not built: run "npm run build" (npm test builds it)'
  if (!existsSync(join(REPO_ROOT, 'out/node/cli.js'))) return 'the CLI is not built: run "npm run build:node"'
  return null
}

export interface Served {
  url: string
  port: number
  token: string
  dir: string
  db: string
  output: () => string
  stop: () => Promise<void>
}

/** `chordwarp serve --port 0 --db <fresh>`, resolved with the URL it printed. */
export async function serve(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-e2e-'))
  const db = join(dir, 'library.db')
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin/chordwarp.js'), 'serve', '--port', '0', '--db', db],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, CHORDWARP_DB: db },
    },
  )
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 20 s:\n${out}`)), 20_000)
    child.stdout!.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)))
  })
  const u = new URL(url)
  return {
    url,
    port: Number(u.port),
    token: u.searchParams.get('token')!,
    dir,
    db,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.on('exit', r)))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
  })
}

/** Collect page errors and console errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  return errors
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true })
  const path = join(SHOTS, `${name}.png`)
  await page.screenshot({ path })
  return path
}
