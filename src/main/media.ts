/** The `cw-media://audio/<recordingId>` protocol: the recording's audio with HTTP range support. */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { ChordWarpService } from '../backend/service'
import { byteRange, contentRange } from '../backend/service/range'

export function serveMedia(service: ChordWarpService, req: Request): Response {
  try {
    const url = new URL(req.url)
    if (url.host !== 'audio') return new Response('not found', { status: 404 })
    const file = service.resolveAudio(decodeURIComponent(url.pathname.slice(1)))
    const headers: Record<string, string> = { 'Content-Type': file.mime, 'Accept-Ranges': 'bytes' }
    const range = byteRange(req.headers.get('range'), file.size)
    if (range.kind === 'unsatisfiable')
      return new Response(null, {
        status: 416,
        headers: { 'Content-Range': contentRange(range, file.size)! },
      })
    if (range.kind === 'partial') {
      const { start, end } = range
      const body = Readable.toWeb(createReadStream(file.path, { start, end })) as ReadableStream
      return new Response(body, {
        status: 206,
        headers: {
          ...headers,
          'Content-Range': contentRange(range, file.size)!,
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
