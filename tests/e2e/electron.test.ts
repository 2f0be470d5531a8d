/**
 * The desktop app starts: Electron opens the window, the renderer has the preload bridge and no Node
 * APIs. Runs only where the Electron binary exists (node_modules/electron/path.txt + dist) and a
 * display is available; otherwise it is skipped with the reason (on this project's CI machine the
 * binary cannot be downloaded).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { _electron as electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../helpers/corpus'

function electronBinary(): { bin: string } | { reason: string } {
  let dir: string
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return { reason: 'the electron package is not installed' }
  }
  const pathTxt = join(dir, 'path.txt')
  if (!existsSync(pathTxt))
    return {
      reason:
        'the Electron binary was never downloaded (node_modules/electron/path.txt is missing; its postinstall needs the network)',
    }
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim())
  if (!existsSync(bin)) return { reason: `the Electron binary ${bin} is missing` }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { reason: 'there is no display (run under xvfb-run to include this test)' }
  if (!existsSync(join(REPO_ROOT, 'out/main/index.js')))
    return { reason: 'the app is not built: run "npm run build"' }
  return { bin }
}

const found = electronBinary()
if ('reason' in found) console.warn(`[electron] launch test skipped: ${found.reason}`)

describe.skipIf('reason' in found)('the Electron app', () => {
  it('opens its window with the preload bridge, sandboxed and without Node in the page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-electron-'))
    const app = await electron.launch({
      executablePath: (found as { bin: string }).bin,
      args: [join(REPO_ROOT, 'out/main/index.js')],
      env: { ...process.env, CHORDWARP_DB: join(dir, 'library.db') },
    })
    try {
      const page = await app.firstWindow()
      await page.waitForSelector('[data-testid=open-audio]')
      const globals = await page.evaluate('[typeof require, typeof process, typeof chordwarpBridge]')
      expect(globals).toEqual(['undefined', 'undefined', 'object'])
      const info = await page.evaluate('chordwarpBridge.getInfo({})')
      expect(info).toMatchObject({ ok: true, value: { transport: 'electron' } })
    } finally {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
