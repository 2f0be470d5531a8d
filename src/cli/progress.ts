/** Progress on stderr: a redrawn line on a terminal, a line every few percent otherwise. */

import { parseTfPreference, type TfBackendPreference } from '../backend/tf-backend'
import type { EpochReport } from '../core/model'
import { UserError } from './errors'

export function parseBackendFlag(v: string): TfBackendPreference {
  try {
    return parseTfPreference(v)
  } catch (e) {
    throw new UserError(`--backend: ${(e as Error).message}`)
  }
}

export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY)
  private open = false
  private best: { epoch: number; loss: number } | null = null
  private lastPct = -1

  constructor(private readonly enabled: boolean) {}

  /** A line of its own. */
  note(text: string): void {
    if (!this.enabled) return
    this.done()
    process.stderr.write(`${text}\n`)
  }

  /** A bar over `done / total`. */
  bar(done: number, total: number, label: string): void {
    if (!this.enabled) return
    const frac = total > 0 ? done / total : 1
    const line = `${drawBar(frac)} ${done}/${total} ${label}`
    this.write(line, frac)
  }

  epoch(e: EpochReport): void {
    if (e.best) this.best = { epoch: e.epoch, loss: e.valLoss ?? e.trainLoss }
    if (!this.enabled) return
    const eta = ((e.epochs - e.epoch) * e.ms) / 1000
    const line =
      `${drawBar(e.epoch / e.epochs)} epoch ${e.epoch}/${e.epochs} train ${e.trainLoss.toPrecision(4)}` +
      `${e.valLoss !== null ? ` val ${e.valLoss.toPrecision(4)}` : ''}${this.best ? ` (best ${this.best.loss.toPrecision(4)} @ ${this.best.epoch})` : ''}` +
      `${e.gamma !== null ? ` γ ${e.gamma.toPrecision(2)}` : ''} ${e.ms.toFixed(0)} ms/epoch ETA ${eta.toFixed(0)} s`
    this.write(line, e.epoch / e.epochs)
  }

  done(): void {
    if (this.open && this.tty) process.stderr.write('\n')
    this.open = false
  }

  private write(line: string, frac: number): void {
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${line}`)
      this.open = true
      return
    }
    const pct = Math.floor(frac * 20)
    if (pct !== this.lastPct || frac >= 1) {
      this.lastPct = pct
      process.stderr.write(`${line}\n`)
    }
  }
}

function drawBar(frac: number, width = 20): string {
  const n = Math.round(Math.max(0, Math.min(1, frac)) * width)
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}]`
}
