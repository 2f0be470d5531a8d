/** Validation of API messages against the method table (used by every transport). */
import { z } from 'zod'
import { ApiError, describeIssues } from './errors'
import { type ApiMethods, apiMethods, isMethodName, type MethodName, type ParsedInput } from './methods'
import { API_EVENT_NAMES, type ApiEventName } from './types'

/**
 * Validate the input of `method`; throws `ApiError('bad-request')` with one line naming the field,
 * or `ApiError('not-found')` for an unknown method.
 */
export function parseInput<K extends MethodName>(method: K, input: unknown): ParsedInput<K>
export function parseInput(method: string, input: unknown): unknown
export function parseInput(method: string, input: unknown): unknown {
  if (!isMethodName(method)) throw new ApiError('not-found', `unknown API method "${method}"`)
  const schema = apiMethods[method].input as ApiMethods[MethodName]['input']
  const r = schema.safeParse(input === undefined ? {} : input)
  if (!r.success) throw new ApiError('bad-request', describeIssues(method, schema, r.error))
  return r.data
}

/** Validate what a method answered (tests and the debug build check the implementation with this). */
export function parseOutput(method: MethodName, output: unknown): unknown {
  const m = apiMethods[method]
  const schema: z.ZodType =
    m.kind === 'job' ? z.strictObject({ jobId: z.string(), kind: z.string() }) : m.output
  const r = schema.safeParse(output)
  if (!r.success) throw new ApiError('internal', describeIssues(`${method} (answer)`, schema, r.error))
  return r.data
}

export function isEventName(name: string): name is ApiEventName {
  return (API_EVENT_NAMES as readonly string[]).includes(name)
}
