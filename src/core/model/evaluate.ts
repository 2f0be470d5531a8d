/** Scoring a model on items (segments) and on whole recordings, frame-wise (see `metrics.ts`). */
import { type ChordModel, predictClasses } from './dchord'
import { type FrameScores, frameScores, poolScores } from './metrics'
import type { Recording, TrainItem } from './segments'

/** Pooled and per-recording scores. */
export interface EvalReport {
  pooled: FrameScores
  perRecording: { id: string; group?: string; scores: FrameScores }[]
}

/**
 * Frame-wise scores on items cut from recordings (the seed's test protocol: 150-frame segments).
 * @param model trained model
 * @param items items with strong targets (others are skipped)
 */
export function evaluateItems(model: ChordModel, items: readonly TrainItem[]): EvalReport {
  const by = new Map<string, FrameScores[]>()
  for (const it of items) {
    if (!it.strong) continue
    const s = frameScores(it.strong, predictClasses(model, it.x, it.frames))
    const list = by.get(it.recording) ?? []
    list.push(s)
    by.set(it.recording, list)
  }
  const perRecording = [...by].map(([id, list]) => ({ id, scores: poolScores(list) }))
  return { pooled: poolScores(perRecording.map((r) => r.scores)), perRecording }
}

/**
 * Frame-wise scores on whole recordings (every frame, N frames included as in `frameScores`).
 * @param model trained model
 * @param recordings recordings with strong targets (others are skipped)
 */
export function evaluateRecordings(model: ChordModel, recordings: readonly Recording[]): EvalReport {
  const perRecording: EvalReport['perRecording'] = []
  for (const r of recordings) {
    if (!r.strong) continue
    const scores = frameScores(r.strong, predictClasses(model, r.x, r.frames))
    perRecording.push(r.group === undefined ? { id: r.id, scores } : { id: r.id, group: r.group, scores })
  }
  return { pooled: poolScores(perRecording.map((r) => r.scores)), perRecording }
}
