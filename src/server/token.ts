import { randomBytes } from 'node:crypto'

/** A fresh access token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}
