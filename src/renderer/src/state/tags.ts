/** Tags as the user types them in the library. No DOM, no Svelte: tested in tests/unit/renderer. */

/** Tags as typed: comma-separated, trimmed, empty ones dropped, each once, in the order typed. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ]
}
