/**
 * A DTW call that cannot run because of its input (shapes, NaN, options). Carries `userError = true`
 * so the CLI reports it as a user mistake (exit 1, one line) without importing this class.
 */
export class DtwInputError extends RangeError {
  override name = 'DtwInputError'
  readonly userError = true
}
