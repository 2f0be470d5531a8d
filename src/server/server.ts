/**
 * Browser mode: the ChordWarp API over HTTP + WebSocket, and the renderer build, on 127.0.0.1 only.
 *
 * - Every request needs the random token: `?token=` on the first page load (answered with an
 *   HttpOnly SameSite=Strict cookie and a redirect that drops it from the address bar), then the
 *   cookie, or `Authorization: Bearer <token>` for scripts. Without it: 401.
 * - The Host header must name this server (no DNS rebinding) and a cross-site Origin is refused.
 * - `POST /api/call/<method>` with a JSON body → the method's JSON answer; the body is validated
 *   against the method's schema (400 with a one-line message naming the field).
 * - `POST /api/upload?name=<file name>` streams audio into the library's media folder and imports it.
 * - `GET /api/audio/<recordingId>` streams the audio with HTTP ranges (for the media element).
 * - `GET /api/events` upgrades to a WebSocket pushing `{event, args}` for every API event.
 * - Everything else is a file of the renderer build, sent with a strict Content-Security-Policy.
 */
import { timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { toErrorDto } from '../backend/service/jobs'
import { byteRange, contentRange } from '../backend/service/range'
import type { ChordWarpService } from '../backend/service/service'
import { API_EVENT_NAMES, ApiError, type ApiEventName, HTTP_STATUS, isMethodName } from '../core/api'
import { newToken } from './token'

export interface ServerOptions {
  /** TCP port; 0 picks a free one [port] (Default value = 0). */
  port: number
  /** The renderer build to serve (`out/renderer`) [path]. */
  rendererDir: string
  /** The access token (Default value = 32 random bytes, base64url). */
  token: string
  /** Largest JSON body [bytes] (Default value = 64 MiB). */
  maxJsonBytes: number
  /** Largest upload [bytes] (Default value = 4 GiB). */
  maxUploadBytes: number
}

export const defaultServerOptions: Omit<ServerOptions, 'rendererDir' | 'token'> = {
  port: 0,
  maxJsonBytes: 64 * 1024 * 1024,
  maxUploadBytes: 4 * 1024 * 1024 * 1024,
}

/** The only address browser mode listens on. */
export const HOST = '127.0.0.1'

export interface RunningServer {
  /** `http://127.0.0.1:<port>/?token=<token>`: what the user opens. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const COOKIE = 'cw_token'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
}

/** The Content-Security-Policy of every response (the renderer's meta tag says the same). */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // wavesurfer.js puts a <style> into its shadow root; no inline script is allowed
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src 'self' blob: ws://${HOST}:${port}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'bad-request',
  ) {
    super(message)
  }
}

export async function startServer(
  service: ChordWarpService,
  options: Partial<ServerOptions> & Pick<ServerOptions, 'rendererDir'>,
): Promise<RunningServer> {
  const opts: ServerOptions = Object.assign({ token: newToken() }, defaultServerOptions, options)
  const tokenBytes = Buffer.from(opts.token)
  let port = 0
  const sockets = new Set<WebSocket>()

  const tokenOk = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false
    const b = Buffer.from(candidate)
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes)
  }

  const hostOk = (req: IncomingMessage) => {
    const host = req.headers.host ?? ''
    return host === `${HOST}:${port}` || host === `localhost:${port}`
  }

  const originOk = (req: IncomingMessage) => {
    const origin = req.headers.origin
    if (origin === undefined || origin === 'null') return origin === undefined
    return origin === `http://${HOST}:${port}` || origin === `http://localhost:${port}`
  }

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    const auth = req.headers.authorization
    if (auth?.startsWith('Bearer ') && tokenOk(auth.slice(7).trim())) return true
    if (tokenOk(readCookie(req.headers.cookie, COOKIE))) return true
    return tokenOk(url.searchParams.get('token'))
  }

  const securityHeaders = (res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(port))
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  }

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    })
    res.end(text)
  }

  const sendError = (res: ServerResponse, e: unknown) => {
    if (res.headersSent) {
      res.destroy()
      return
    }
    if (e instanceof HttpError)
      return sendJson(res, e.status, { error: { code: e.code, message: e.message } })
    const dto = toErrorDto(e)
    const status = HTTP_STATUS[dto.code as keyof typeof HTTP_STATUS] ?? 500
    if (status >= 500 && dto.code === 'internal')
      console.error(`chordwarp serve: internal error: ${dto.message}`)
    sendJson(res, status, { error: dto })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res)
    if (!hostOk(req))
      throw new HttpError(403, `wrong Host header "${req.headers.host}": use ${HOST}:${port}`, 'forbidden')
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    if (!authorised(req, url))
      throw new HttpError(
        401,
        'missing or wrong token: open the URL that "chordwarp serve" printed (it carries ?token=…)',
        'unauthorized',
      )
    if (req.method !== 'GET' && req.method !== 'HEAD' && !originOk(req))
      throw new HttpError(403, `cross-origin request from ${req.headers.origin} refused`, 'forbidden')

    // First page load with ?token=: remember it in a cookie and drop it from the address bar.
    if (url.searchParams.has('token') && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      res.setHeader('Set-Cookie', `${COOKIE}=${opts.token}; HttpOnly; SameSite=Strict; Path=/`)
      url.searchParams.delete('token')
      res.writeHead(302, { Location: url.pathname + url.search, 'Cache-Control': 'no-store' })
      res.end()
      return
    }

    const path = url.pathname
    if (path.startsWith('/api/call/')) {
      if (req.method !== 'POST') throw new HttpError(405, 'API calls use POST', 'bad-request')
      const method = decodeURIComponent(path.slice('/api/call/'.length))
      if (!isMethodName(method)) throw new HttpError(404, `unknown API method "${method}"`, 'not-found')
      if (method === 'importUpload')
        throw new HttpError(
          400,
          'importUpload over HTTP is POST /api/upload?name=<file name> with the raw bytes',
        )
      const type = req.headers['content-type'] ?? ''
      if (!/^application\/json\b/i.test(type))
        throw new HttpError(
          400,
          `send the input as JSON with "Content-Type: application/json" (got "${type}")`,
        )
      const text = await readBody(req, opts.maxJsonBytes)
      let input: unknown
      try {
        input = text.trim() === '' ? {} : JSON.parse(text)
      } catch (e) {
        throw new HttpError(400, `malformed JSON: ${(e as Error).message}`)
      }
      const result = await service.invoke(method, input)
      sendJson(res, 200, result ?? null)
      return
    }
    if (path === '/api/upload') {
      if (req.method !== 'POST') throw new HttpError(405, 'uploads use POST', 'bad-request')
      const name = url.searchParams.get('name')
      if (!name) throw new HttpError(400, 'upload: give the file name as ?name=<file name>')
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > opts.maxUploadBytes)
        throw new HttpError(413, `upload: the file is larger than ${opts.maxUploadBytes} bytes`)
      const summary = await service.acceptUpload(name, limited(req, opts.maxUploadBytes))
      sendJson(res, 200, summary)
      return
    }
    if (path.startsWith('/api/audio/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'audio is fetched with GET')
      const id = decodeURIComponent(path.slice('/api/audio/'.length))
      sendFile(req, res, service.resolveAudio(id))
      return
    }
    if (path.startsWith('/api/')) throw new HttpError(404, `no API route ${path}`, 'not-found')
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'only GET serves files')
    serveStatic(req, res, opts.rendererDir, path)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => sendError(res, e))
  })
  server.headersTimeout = 30_000
  server.requestTimeout = 0 // uploads of long recordings may take a while

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (!hostOk(req)) return refuse(403, 'Forbidden')
    if (!authorised(req, url)) return refuse(401, 'Unauthorized')
    if (!originOk(req)) return refuse(403, 'Forbidden')
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found')
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      ws.on('message', () =>
        ws.close(1003, 'the event stream is one-way: call methods with POST /api/call/<method>'),
      )
      ws.send(JSON.stringify({ event: 'connection', args: [{ connected: true }] }))
    })
  })

  const unsubscribe = API_EVENT_NAMES.filter((n) => n !== 'connection' && n !== 'menu').map(
    (name: ApiEventName) =>
      service.on(name, (...args: unknown[]) => {
        const text = JSON.stringify({ event: name, args })
        for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(text)
      }),
  )

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, HOST, () => resolve())
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://${HOST}:${port}/?token=${opts.token}`,
    port,
    token: opts.token,
    close: async () => {
      for (const u of unsubscribe) u()
      for (const ws of sockets) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    },
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return null
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > max) throw new HttpError(413, `the request body is larger than ${max} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The request body as a stream that fails once more than `max` bytes arrived. */
async function* limited(req: IncomingMessage, max: number): AsyncIterable<Uint8Array> {
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > max) throw new ApiError('bad-request', `upload: the file is larger than ${max} bytes`)
    yield chunk
  }
}

/** Send a file with HTTP range support (media elements seek with ranges). */
function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: { path: string; mime: string; size: number },
) {
  const headers: Record<string, string | number> = {
    'Content-Type': file.mime,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
  }
  const range = byteRange(req.headers.range, file.size)
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': contentRange(range, file.size)! })
    res.end()
    return
  }
  if (range.kind === 'partial') {
    const { start, end } = range
    res.writeHead(206, {
      ...headers,
      'Content-Range': contentRange(range, file.size)!,
      'Content-Length': end - start + 1,
    })
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file.path, { start, end })
      .on('error', () => res.destroy())
      .pipe(res)
    return
  }
  res.writeHead(200, { ...headers, 'Content-Length': file.size })
  if (req.method === 'HEAD') return void res.end()
  createReadStream(file.path)
    .on('error', () => res.destroy())
    .pipe(res)
}

function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string) {
  let rel: string
  try {
    rel = decodeURIComponent(pathname)
  } catch {
    throw new HttpError(400, 'malformed path')
  }
  if (rel.endsWith('/')) rel += 'index.html'
  const base = resolve(root)
  const file = resolve(join(base, rel))
  if (!file.startsWith(base + sep)) throw new HttpError(404, 'not found', 'not-found')
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (!existsSync(join(root, 'index.html')))
      throw new HttpError(
        503,
        `the renderer is not built (${root} is missing): run "npm run build"`,
        'unavailable',
      )
    throw new HttpError(404, `no file ${pathname}`, 'not-found')
  }
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
  const size = statSync(file).size
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': size,
    'Cache-Control': rel.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-cache',
  })
  if (req.method === 'HEAD') return void res.end()
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}
