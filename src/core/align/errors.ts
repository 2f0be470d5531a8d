/**
 * A request the aligner cannot satisfy because of the input (empty sequence, more chords than the
 * recording can hold, anchors out of order). The CLI reports it as a user error: one line, exit 1.
 */
export class AlignError extends Error {
  override name = 'AlignError'
  /** Read by the CLI to report this as a user mistake. */
  readonly userError = true
}
