/**
 * Chromagram panel: a canvas under the waveform on the same time axis, 12 pitch-class rows (C at the
 * bottom), each visible screen column coloured by the chroma frame under it. Redraws on view, time
 * and chroma events only, one animation frame at a time.
 */
import type { ChromaView, EditorCore, EditorPlugin } from '../EditorCore.svelte'

export interface ChromagramOptions {
  /** Colour stops of the value scale, from 0 to 1. */
  palette: [number, number, number][]
}

export const defaultChromagramOptions: ChromagramOptions = {
  palette: [
    [251, 250, 247],
    [214, 226, 234],
    [122, 166, 194],
    [45, 94, 140],
    [22, 44, 84],
  ],
}

/** 256-entry RGB lookup table interpolating the palette. */
function lut(palette: [number, number, number][]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(256 * 3)
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (palette.length - 1)
    const k = Math.min(palette.length - 2, Math.floor(x))
    const f = x - k
    for (let c = 0; c < 3; c++) out[i * 3 + c] = palette[k]![c]! * (1 - f) + palette[k + 1]![c]! * f
  }
  return out
}

export class ChromagramPlugin implements EditorPlugin {
  readonly options: ChromagramOptions
  #canvas: HTMLCanvasElement
  #core: EditorCore | null = null
  #subs: (() => void)[] = []
  #frame = 0
  #lut: Uint8ClampedArray
  #resize: ResizeObserver | null = null

  constructor(canvas: HTMLCanvasElement, options: Partial<ChromagramOptions> = {}) {
    this.#canvas = canvas
    this.options = Object.assign({}, defaultChromagramOptions, options)
    this.#lut = lut(this.options.palette)
  }

  init(core: EditorCore): void {
    this.#core = core
    const redraw = () => this.#schedule()
    this.#subs.push(core.on('view', redraw), core.on('chroma', redraw))
    this.#resize = new ResizeObserver(redraw)
    this.#resize.observe(this.#canvas)
    redraw()
  }

  #schedule(): void {
    if (this.#frame) return
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0
      this.#draw()
    })
  }

  #draw(): void {
    const core = this.#core
    if (!core) return
    const canvas = this.#canvas
    const ratio = window.devicePixelRatio || 1
    const cssW = canvas.clientWidth
    const cssH = canvas.clientHeight
    const w = Math.max(1, Math.round(cssW * ratio))
    const h = Math.max(1, Math.round(cssH * ratio))
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w
      canvas.height = h
    }
    const ctx = canvas.getContext('2d')
    if (!ctx) return
    const chroma: ChromaView | null = core.chroma
    const img = ctx.createImageData(w, h)
    const px = img.data
    const bg = this.#lut
    if (!chroma || core.pxPerSec <= 0) {
      for (let i = 0; i < w * h; i++) {
        px[i * 4] = bg[0]!
        px[i * 4 + 1] = bg[1]!
        px[i * 4 + 2] = bg[2]!
        px[i * 4 + 3] = 255
      }
      ctx.putImageData(img, 0, 0)
      return
    }
    const rowOf = new Int32Array(h) // pitch class of each pixel row, C at the bottom
    for (let y = 0; y < h; y++) rowOf[y] = 11 - Math.min(11, Math.floor((y / h) * 12))
    const { data, frames, frameRate } = chroma
    for (let x = 0; x < w; x++) {
      const t = (x / ratio + core.scrollLeft) / core.pxPerSec
      const f = Math.floor(t * frameRate)
      const inside = f >= 0 && f < frames && t <= core.duration
      for (let y = 0; y < h; y++) {
        const v = inside ? data[f * 12 + rowOf[y]!]! : 0
        const k = Math.max(0, Math.min(255, Math.round(v * 255))) * 3
        const o = (y * w + x) * 4
        px[o] = this.#lut[k]!
        px[o + 1] = this.#lut[k + 1]!
        px[o + 2] = this.#lut[k + 2]!
        px[o + 3] = 255
      }
    }
    ctx.putImageData(img, 0, 0)
    // faint lines between pitch-class rows
    ctx.fillStyle = 'rgba(255,255,255,0.35)'
    for (let r = 1; r < 12; r++)
      ctx.fillRect(0, Math.round((r * h) / 12), w, Math.max(1, Math.round(ratio / 2)))
  }

  destroy(): void {
    for (const u of this.#subs.splice(0)) u()
    if (this.#frame) cancelAnimationFrame(this.#frame)
    this.#resize?.disconnect()
    this.#core = null
  }
}
