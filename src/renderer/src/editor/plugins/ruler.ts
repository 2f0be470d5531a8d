/** Time ruler: tick marks and mm:ss labels on the shared time axis, spaced to stay readable at any zoom. */
import type { EditorCore, EditorPlugin } from '../EditorCore.svelte'

/** Tick steps tried in order [seconds]. */
const STEPS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]

export function formatClock(seconds: number, decimals = 0): string {
  const m = Math.floor(seconds / 60)
  const s = seconds - m * 60
  const ss =
    decimals > 0 ? s.toFixed(decimals).padStart(3 + decimals, '0') : String(Math.floor(s)).padStart(2, '0')
  return `${m}:${ss}`
}

export class RulerPlugin implements EditorPlugin {
  #canvas: HTMLCanvasElement
  #core: EditorCore | null = null
  #subs: (() => void)[] = []
  #frame = 0
  #resize: ResizeObserver | null = null

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas
  }

  init(core: EditorCore): void {
    this.#core = core
    const redraw = () => {
      if (this.#frame) return
      this.#frame = requestAnimationFrame(() => {
        this.#frame = 0
        this.#draw()
      })
    }
    this.#subs.push(core.on('view', redraw))
    this.#resize = new ResizeObserver(redraw)
    this.#resize.observe(this.#canvas)
    redraw()
  }

  #draw(): void {
    const core = this.#core
    if (!core) return
    const c = this.#canvas
    const ratio = window.devicePixelRatio || 1
    const w = c.clientWidth
    const h = c.clientHeight
    c.width = Math.round(w * ratio)
    c.height = Math.round(h * ratio)
    const ctx = c.getContext('2d')
    if (!ctx || core.pxPerSec <= 0) return
    ctx.scale(ratio, ratio)
    ctx.clearRect(0, 0, w, h)
    const step = STEPS.find((s) => s * core.pxPerSec >= 70) ?? 600
    const minor = step / 5
    const t0 = core.scrollLeft / core.pxPerSec
    const t1 = Math.min(core.duration, (core.scrollLeft + w) / core.pxPerSec)
    ctx.strokeStyle = '#b9bfcb'
    ctx.fillStyle = '#5b6475'
    ctx.font = '11px ui-sans-serif, system-ui, sans-serif'
    ctx.beginPath()
    // integer tick counter: adding `minor` repeatedly drifts (3.9999… would read 0:03)
    for (let k = Math.floor(t0 / minor); k * minor <= t1 + 1e-9; k++) {
      const t = k * minor
      const x = Math.round(t * core.pxPerSec - core.scrollLeft) + 0.5
      const major = k % 5 === 0
      ctx.moveTo(x, h)
      ctx.lineTo(x, major ? h - 9 : h - 4)
      if (major && x >= 0) ctx.fillText(formatClock(t, step < 1 ? 1 : 0), x + 3, h - 10)
    }
    ctx.stroke()
  }

  destroy(): void {
    for (const u of this.#subs.splice(0)) u()
    if (this.#frame) cancelAnimationFrame(this.#frame)
    this.#resize?.disconnect()
    this.#core = null
  }
}
