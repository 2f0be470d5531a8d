/** Errors of the ChordWarp API: a code the transports map to a status, and a one-line message. */
import type { z } from 'zod'

export type ApiErrorCode =
  /** The input does not match the method's schema or makes no sense (HTTP 400). */
  | 'bad-request'
  /** Missing or wrong token (HTTP 401). */
  | 'unauthorized'
  /** No such recording, revision, job or method (HTTP 404). */
  | 'not-found'
  /** The state forbids it, e.g. saving on top of a newer revision (HTTP 409). */
  | 'conflict'
  /** A capability this build or transport does not have (HTTP 501). */
  | 'unavailable'
  /** The job was cancelled. */
  | 'cancelled'
  /** A bug: anything not foreseen (HTTP 500). */
  | 'internal'

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  unavailable: 501,
  cancelled: 409,
  internal: 500,
}

export class ApiError extends Error {
  override name = 'ApiError'
  readonly code: ApiErrorCode
  constructor(code: ApiErrorCode, message: string) {
    super(message)
    this.code = code
  }
  toJSON(): { code: ApiErrorCode; message: string } {
    return { code: this.code, message: this.message }
  }
}

/** Rebuild an ApiError from its wire form (`{code, message}`), whatever came back. */
export function apiErrorFrom(value: unknown): ApiError {
  const v = value as { code?: unknown; message?: unknown } | null
  const code = typeof v?.code === 'string' && v.code in HTTP_STATUS ? (v.code as ApiErrorCode) : 'internal'
  const message = typeof v?.message === 'string' ? v.message : String(value)
  return new ApiError(code, message)
}

/** Levenshtein distance, for "did you mean" hints on unknown keys. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!
    d[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return d[b.length]!
}

/** The valid key closest to `key`, if it is close enough to be a misspelling. */
export function nearestKey(key: string, valid: readonly string[]): string | null {
  let best: string | null = null
  let bestD = Number.POSITIVE_INFINITY
  for (const v of valid) {
    const dd = distance(key.toLowerCase(), v.toLowerCase())
    if (dd < bestD) [best, bestD] = [v, dd]
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : null
}

/** Keys of the object schema at `path` inside `schema` (for unknown-key hints). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod internals defensively
  let s: any = schema
  for (const p of path) {
    while (s?.def?.innerType) s = s.def.innerType
    if (s?.def?.type === 'object') s = s.def.shape?.[p as string]
    else if (s?.def?.type === 'array') s = s.def.element
    else return []
  }
  while (s?.def?.innerType) s = s.def.innerType
  return s?.def?.type === 'object' && s.def.shape ? Object.keys(s.def.shape) : []
}

/**
 * One line describing what is wrong with an input, e.g.
 * `align: anchors.0.time: Too small: expected number to be >=0` or
 * `listRecordings: unknown key "qeury" (did you mean "query"?)`.
 */
export function describeIssues(method: string, schema: z.ZodType, error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''
    if (issue.code === 'unrecognized_keys') {
      const valid = keysAt(schema, issue.path)
      return issue.keys
        .map((k) => {
          const near = nearestKey(k, valid)
          return `${where}unknown key "${k}"${near ? ` (did you mean "${near}"?)` : valid.length ? ` (valid: ${valid.join(', ')})` : ''}`
        })
        .join('; ')
    }
    return `${where}${issue.message}`
  })
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : ''
  return `${method}: ${parts.join('; ')}${more}`
}
