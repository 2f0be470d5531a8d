/** A chord label or chord file that cannot be read. Always a user error (CLI exit code 1). */
export class ChordSyntaxError extends Error {
  override name = 'ChordSyntaxError'
  /** The offending text. */
  readonly token: string
  /** 1-based line of the token in its source text, when known. */
  readonly line: number | undefined
  /** 1-based column of the token in its source text, when known. */
  readonly col: number | undefined
  constructor(message: string, token: string, line?: number, col?: number) {
    super(message)
    this.token = token
    this.line = line
    this.col = col
  }
}
