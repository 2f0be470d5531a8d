/**
 * Review navigation: step the focus to the next (or previous) place the aligner is unsure of — a
 * boundary or a chord below the "confident" band — from wherever the user is (focused boundary,
 * selected chord, or the playback cursor). Used by the `U` / `Shift+U` keys and the Inspector.
 */
import type { EditorState } from './EditorState.svelte'
import { adjacentUncertain, type UncertainPlace, uncertainPlaces } from './segments'

/** What the step needs of the editor core (playback and scrolling). */
export interface ReviewCursor {
  readonly time: number
  seek(seconds: number): void
  reveal(seconds: number): void
}

/**
 * Focus the next (dir = 1) or previous (dir = −1) uncertain place, seek there and scroll it into view.
 * @returns the place, or null when there is none in that direction (nothing changes)
 */
export function stepUncertain(ed: EditorState, core: ReviewCursor, dir: 1 | -1): UncertainPlace | null {
  const segs = ed.segments
  const at =
    ed.focusedBoundary !== null && segs[ed.focusedBoundary]
      ? { time: segs[ed.focusedBoundary]!.end, kind: 'boundary' as const }
      : ed.selected !== null && segs[ed.selected]
        ? { time: segs[ed.selected]!.start, kind: 'segment' as const }
        : { time: core.time, kind: null }
  const p = adjacentUncertain(uncertainPlaces(segs, ed.locks), at, dir)
  if (!p) return null
  if (p.kind === 'boundary') {
    ed.focusedBoundary = p.index
    ed.selected = null
  } else {
    ed.selected = p.index
    ed.focusedBoundary = null
  }
  core.seek(p.time)
  core.reveal(p.time)
  return p
}
