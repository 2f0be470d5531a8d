/** Errors the CLI reports as user mistakes: one line on stderr, exit code 1. */
export class UserError extends Error {
  override name = 'UserError'
}

/** Exit codes: 0 ok, 1 user error, 2 internal error. */
export const EXIT_OK = 0
export const EXIT_USER = 1
export const EXIT_INTERNAL = 2
