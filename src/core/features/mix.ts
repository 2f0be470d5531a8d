/**
 * Down-mix to mono: the mean of the channels (equal weights, no −3 dB pan law), so a mono file stored
 * as two identical channels comes back unchanged.
 * @param channels one Float32Array per channel, equal lengths
 * @returns mono samples (the first channel itself when there is only one)
 * @example mixToMono([left, right])
 */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0)
  if (channels.length === 1) return channels[0]!
  const n = Math.min(...channels.map((c) => c.length))
  const out = new Float32Array(n)
  const g = 1 / channels.length
  for (const ch of channels) for (let i = 0; i < n; i++) out[i]! += ch[i]!
  for (let i = 0; i < n; i++) out[i]! *= g
  return out
}
