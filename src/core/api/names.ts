/**
 * The API's method names without their schemas, for the preload script (which must stay tiny).
 * `methods.ts` checks at compile time that this list and the method table agree.
 */
export const API_METHOD_NAMES = [
  'getInfo',
  'listRecordings',
  'importFiles',
  'importUpload',
  'removeRecording',
  'setTags',
  'openRecording',
  'getChroma',
  'getPeaks',
  'parseSequence',
  'align',
  'recognize',
  'saveAnnotation',
  'listRevisions',
  'getRevision',
  'saveDraft',
  'discardDraft',
  'exportAnnotation',
  'getJob',
  'cancelJob',
  'getAccelerators',
  'listModels',
  'getModel',
  'setActiveModel',
  'renameModel',
  'removeModel',
  'exportModel',
  'importModel',
  'train',
  'listRuns',
  'getTargetDistribution',
  'getExpectedAlignment',
  'getModelAccuracy',
  'openFilesDialog',
] as const

/** Electron IPC channel of a method (`cw:align`). */
export const ipcChannel = (method: string): string => `cw:${method}`

/** Electron IPC channel on which the main process pushes API events. */
export const IPC_EVENT_CHANNEL = 'cw:event'
