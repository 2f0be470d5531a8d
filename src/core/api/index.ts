export { decodeFloat32, decodeInt16, encodeFloat32, encodeInt16, PEAK_LEVELS } from './base64'
export type { EventMap, Listener } from './emitter'
export { Emitter } from './emitter'
export type { ApiErrorCode } from './errors'
export { ApiError, apiErrorFrom, describeIssues, HTTP_STATUS, nearestKey } from './errors'
export type {
  ApiMethods,
  JobMethodName,
  JobResult,
  MethodInput,
  MethodName,
  MethodOutput,
  ParsedInput,
} from './methods'
export {
  answerSchema,
  apiMethods,
  isMethodName,
  MAX_MODEL_FILE_CHARS,
  MAX_SEQUENCE_CHARS,
  METHOD_NAMES,
} from './methods'
export { API_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannel } from './names'
export * from './schemas'
export * from './train-defaults'
export * from './training'
export type { ApiEventName, ApiEvents, ApiMethodsOf, ChordWarpApi } from './types'
export { API_EVENT_NAMES } from './types'
export { isEventName, parseInput, parseOutput } from './validate'
