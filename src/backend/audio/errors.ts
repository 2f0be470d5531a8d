/** Why a file could not be turned into audio. */
export type AudioErrorKind =
  | 'unreadable' // missing file, directory, no permission
  | 'empty' // zero bytes, or a valid header with no samples
  | 'not-audio' // not a recognised audio format
  | 'unsupported' // an audio format or codec we cannot decode
  | 'truncated' // the file ends before its header says it should
  | 'corrupt' // the decoder failed on the data
  | 'silent' // decodes, but there is nothing to analyse

/**
 * A bad input file. The message is one line that names the file and says what to do; the CLI prints
 * it and exits 1 (`userError`), the app shows it as is.
 */
export class AudioDecodeError extends Error {
  override name = 'AudioDecodeError'
  readonly userError = true
  readonly kind: AudioErrorKind
  readonly path: string

  constructor(kind: AudioErrorKind, path: string, message: string) {
    super(message)
    this.kind = kind
    this.path = path
  }
}
