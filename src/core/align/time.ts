/** Frames ↔ seconds for boundaries (frame t is centred at t / frameRate, as in `features.Chroma`). */

/** Frame index of a boundary time: frames ≥ b lie after it (frame t is centred at t / frameRate). */
export function timeToBound(time: number, frameRate: number, frames: number): number {
  return Math.min(frames, Math.max(0, Math.round(time * frameRate + 0.5)))
}

export function boundToTime(b: number, frameRate: number, frames: number, duration: number): number {
  if (b <= 0) return 0
  if (b >= frames) return duration
  return Math.min(duration, Math.max(0, (b - 0.5) / frameRate))
}
