/** The `cw-media://audio/<recordingId>` protocol: the recording's audio with HTTP range support. */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { ChordWarpService } from '../backend/service'

export function serveMedia(service: ChordWarpService, req: Request): Response {
  try {
    const url = new URL(req.url)
    if (url.host !== 'audio') return new Response('not found', { status: 404 })
    const file = service.resolveAudio(decodeURIComponent(url.pathname.slice(1)))
    const headers: Record<string, string> = { 'Content-Type': file.mime, 'Accept-Ranges': 'bytes' }
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.get('range') ?? '')
    if (m && file.size > 0) {
      const start = m[1] === '' ? Math.max(0, file.size - Number(m[2])) : Number(m[1])
      const end = m[1] !== '' && m[2] !== '' ? Math.min(Number(m[2]), file.size - 1) : file.size - 1
      if (start > end)
        return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${file.size}` } })
      const body = Readable.toWeb(createReadStream(file.path, { start, end })) as ReadableStream
      return new Response(body, {
        status: 206,
        headers: {
          ...headers,
          'Content-Range': `bytes ${start}-${end}/${file.size}`,
          'Content-Length': String(end - start + 1),
        },
      })
    }
    const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Length': String(file.size) } })
  } catch (e) {
    return new Response((e as Error).message, { status: 404 })
  }
}
