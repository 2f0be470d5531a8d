/**
 * JAMS chord annotations (namespaces `chord` and `chord_harte`; JAMS 0.3 observation lists or the
 * older column form `{time: [], duration: [], value: [], confidence: []}`). Labels are validated as
 * Harte and kept as written.
 */
import { isHarte } from '../../core/chords'
import type { StoredSegment } from './types'

export const JAMS_CHORD_NAMESPACES = ['chord', 'chord_harte']

export interface JamsChordAnnotation {
  namespace: string
  /** annotator name, else curator name, else `jams` */
  author: string
  /** index among the file's annotations (0-based) */
  index: number
  segments: StoredSegment[]
}

export interface JamsRead {
  annotations: JamsChordAnnotation[]
  /** file_metadata.duration [seconds] */
  durationS: number | null
  title: string | null
  artist: string | null
  /** what is wrong, one line each (`annotation 2, observation 7: "Hm" is not a Harte label`) */
  problems: string[]
  /** annotations in other namespaces that were ignored */
  ignored: string[]
}

interface Observation {
  time: unknown
  duration: unknown
  value: unknown
  confidence: unknown
}

function observations(data: unknown): Observation[] | null {
  if (Array.isArray(data)) return data as Observation[]
  if (data && typeof data === 'object') {
    const d = data as Record<string, unknown>
    if (Array.isArray(d.time) && Array.isArray(d.duration) && Array.isArray(d.value)) {
      const conf = Array.isArray(d.confidence) ? d.confidence : []
      return d.time.map((t, i) => ({
        time: t,
        duration: (d.duration as unknown[])[i],
        value: (d.value as unknown[])[i],
        confidence: conf[i],
      }))
    }
  }
  return null
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null
}

/** Read a JAMS text. Never throws on content: problems are listed. */
export function parseJams(text: string): JamsRead {
  const out: JamsRead = {
    annotations: [],
    durationS: null,
    title: null,
    artist: null,
    problems: [],
    ignored: [],
  }
  let doc: Record<string, unknown>
  try {
    doc = JSON.parse(text) as Record<string, unknown>
  } catch (e) {
    out.problems.push(`not valid JSON (${(e as Error).message})`)
    return out
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.annotations)) {
    out.problems.push('not a JAMS file (no "annotations" list)')
    return out
  }
  const meta = (doc.file_metadata ?? {}) as Record<string, unknown>
  out.durationS = typeof meta.duration === 'number' && meta.duration > 0 ? meta.duration : null
  out.title = str(meta.title)
  out.artist = str(meta.artist)
  doc.annotations.forEach((a: unknown, index: number) => {
    const ann = (a ?? {}) as Record<string, unknown>
    const ns = String(ann.namespace ?? '')
    if (!JAMS_CHORD_NAMESPACES.includes(ns)) {
      out.ignored.push(`annotation ${index + 1} (${ns || 'no namespace'})`)
      return
    }
    const obs = observations(ann.data)
    if (!obs) {
      out.problems.push(`annotation ${index + 1}: "data" is neither a list of observations nor columns`)
      return
    }
    const am = (ann.annotation_metadata ?? {}) as Record<string, Record<string, unknown> | undefined>
    const author = str(am.annotator?.name) ?? str(am.curator?.name) ?? 'jams'
    const segments: StoredSegment[] = []
    obs.forEach((o, k) => {
      const at = `annotation ${index + 1}, observation ${k + 1}`
      const t = Number(o?.time)
      const d = Number(o?.duration)
      if (!Number.isFinite(t) || !Number.isFinite(d) || t < 0 || d < 0) {
        out.problems.push(
          `${at}: time and duration must be non-negative numbers, got ${o?.time} and ${o?.duration}`,
        )
        return
      }
      if (typeof o.value !== 'string' || !isHarte(o.value)) {
        out.problems.push(`${at}: ${JSON.stringify(o.value)} is not a Harte chord label`)
        return
      }
      const seg: StoredSegment = { start: t, end: t + d, label: o.value }
      if (typeof o.confidence === 'number' && o.confidence >= 0 && o.confidence <= 1)
        seg.confidence = o.confidence
      segments.push(seg)
    })
    segments.sort((x, y) => x.start - y.start)
    out.annotations.push({ namespace: ns, author, index, segments })
  })
  return out
}
