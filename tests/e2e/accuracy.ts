/** Frame accuracy of a chord lane against a reference, as the browser tests read it from the DOM. */
import { majminClass, parseHarte, type Segment } from '../../src/core/chords'

/** majmin frame accuracy of `est` against `ref`, sampled every `hop` seconds; excluded reference frames are skipped. */
export function majminAccuracy(ref: Segment[], est: Segment[], hop = 0.01): number {
  const cls = (label: string) => majminClass(parseHarte(label))
  const at = (segs: Segment[], t: number) => segs.find((s) => t >= s.start && t < s.end)
  const end = ref.at(-1)!.end
  let hit = 0
  let n = 0
  for (let t = hop / 2; t < end; t += hop) {
    const r = at(ref, t)
    if (!r) continue
    const rc = cls(r.label)
    if (rc < 0) continue
    const e = at(est, t)
    n++
    if (e && cls(e.label) === rc) hit++
  }
  return hit / n
}
