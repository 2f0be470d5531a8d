/** `chordwarp serve` as a user starts it: prints the URL, binds 127.0.0.1 only, stops on SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../helpers/corpus'

let dir: string
let child: ChildProcess
let url: URL
let stderr = ''

/** Start `chordwarp serve` and resolve with the first stdout line. */
function start(args: string[]): Promise<string> {
  child = spawn(process.execPath, [join(REPO_ROOT, 'bin/chordwarp.js'), 'serve', ...args], { cwd: REPO_ROOT })
  child.stderr!.on('data', (d) => (stderr += d))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += d
      if (out.includes('\n')) resolve(out.split('\n')[0]!)
    })
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)))
  })
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 2000 })
    s.on('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.on('error', () => resolve(false))
    s.on('timeout', () => {
      s.destroy()
      resolve(false)
    })
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-serve-'))
  const line = await start(['--port', '0', '--db', join(dir, 'lib.db'), '--json'])
  url = new URL(JSON.parse(line).url)
})

afterAll(() => {
  child?.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

describe('chordwarp serve', () => {
  it('prints one JSON line with a 127.0.0.1 URL and its token', () => {
    expect(url.hostname).toBe('127.0.0.1')
    expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('answers 401 without the token and 200 with it', async () => {
    const api = `http://127.0.0.1:${url.port}/api/call/getInfo`
    const no = await fetch(api, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(no.status).toBe(401)
    const yes = await fetch(api, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${url.searchParams.get('token')}`,
      },
      body: '{}',
    })
    expect(yes.status).toBe(200)
    expect(((await yes.json()) as { transport: string }).transport).toBe('http')
  })

  it('serves the renderer build at / (the page the printed URL opens)', async () => {
    const res = await fetch(`http://127.0.0.1:${url.port}/`, {
      headers: { Authorization: `Bearer ${url.searchParams.get('token')}` },
    })
    if (!existsSync(join(REPO_ROOT, 'out/renderer/index.html'))) {
      expect(res.status).toBe(503)
      expect(await res.text()).toMatch(/npm run build/)
      return
    }
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await res.text()).toContain('<div id="app"></div>')
  })

  it('listens on the loopback address only', async () => {
    expect(await canConnect('127.0.0.1', Number(url.port))).toBe(true)
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address)
    if (others.length === 0)
      console.warn('[serve] no non-loopback IPv4 interface here: only 127.0.0.1 was checked')
    for (const ip of others) expect(await canConnect(ip, Number(url.port)), ip).toBe(false)
  })

  it('refuses a bad --port in one line, exit 1', async () => {
    const r = spawn(process.execPath, [join(REPO_ROOT, 'bin/chordwarp.js'), 'serve', '--port', 'abc'], {
      cwd: REPO_ROOT,
    })
    let err = ''
    r.stderr.on('data', (d) => (err += d))
    const code = await new Promise<number | null>((res) => r.on('exit', res))
    expect(code).toBe(1)
    expect(err).toBe('chordwarp: --port must be an integer from 0 to 65535, got "abc"\n')
  })
})
