/**
 * What a client of the API needs at run time, without the zod schemas (the renderer's bundle stays
 * small; validation happens on the backend side of every door). Types come from the full API.
 */
export { decodeFloat32, decodeInt16, encodeFloat32, encodeInt16, PEAK_LEVELS } from './base64'
export { Emitter } from './emitter'
export { ApiError, apiErrorFrom } from './errors'
export type * from './index'
export { API_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannel } from './names'
export { DEFAULT_LEARNING_RATES, padOf } from './train-defaults'
