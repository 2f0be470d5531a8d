/**
 * EditorCore: the one time axis and transport every editor panel shares (after wavesurfer.js's small
 * core + plugins). It knows the duration, the zoom (px per second), the horizontal scroll, the
 * playback time and state, and the loop range; panels are plugins that read it and ask it for
 * changes. The player (the waveform plugin, which owns the media element) attaches itself and does
 * what is asked. No panel imports another. All times are [seconds]; x positions are CSS px of the
 * timeline (0 = start of the recording), screen x = timeline x − scrollLeft.
 */
import { Emitter } from '../../../core/api/client'

/** The time-axis view. */
export interface View {
  /** [seconds] */
  duration: number
  /** Zoom actually in effect [px/s] (may exceed the requested zoom when the audio fits the width). */
  pxPerSec: number
  /** Horizontal scroll of the timeline [px]. */
  scrollLeft: number
  /** Visible width of the timeline [px]. */
  width: number
}

export type EditorCoreEvents = {
  /** The view changed (zoom, scroll, resize, duration). */
  view: [view: View]
  /** Playback position changed [seconds]. */
  time: [seconds: number]
  /** Playback started or stopped. */
  playing: [playing: boolean]
  /** Chroma to show changed. */
  chroma: [chroma: ChromaView | null]
  /** The loop range changed. */
  loop: [range: { start: number; end: number } | null]
}

/** Chroma as the view draws it: T×12 row-major values in [0, 1] after normalisation. */
export interface ChromaView {
  data: Float32Array
  frames: number
  /** [frames/s] */
  frameRate: number
}

/** What the player does when asked (implemented by the waveform plugin). */
export interface Player {
  play(from?: number): void
  pause(): void
  seek(seconds: number): void
  setRate(rate: number): void
  zoom(pxPerSec: number): void
  scrollTo(px: number): void
  setLoop(range: { start: number; end: number } | null): void
}

/** A panel: gets the core, returns nothing; `destroy` undoes everything it did. */
export interface EditorPlugin {
  init(core: EditorCore): void
  destroy(): void
}

export interface EditorCoreOptions {
  /** Initial zoom [px/s] (Default value = 60). */
  zoom: number
  /** Zoom limits [px/s] (Default values = 5, 1000). */
  minZoom: number
  maxZoom: number
}

export const defaultEditorCoreOptions: EditorCoreOptions = { zoom: 60, minZoom: 5, maxZoom: 1000 }

export class EditorCore extends Emitter<EditorCoreEvents> {
  readonly options: EditorCoreOptions
  duration = $state(0)
  /** Requested zoom [px/s]. */
  zoom = $state(60)
  pxPerSec = $state(60)
  scrollLeft = $state(0)
  width = $state(0)
  time = $state(0)
  playing = $state(false)
  rate = $state(1)
  ready = $state(false)
  loop = $state.raw<{ start: number; end: number } | null>(null)
  chroma = $state.raw<ChromaView | null>(null)
  #player: Player | null = null
  #plugins: EditorPlugin[] = []

  constructor(options: Partial<EditorCoreOptions> = {}) {
    super()
    this.options = Object.assign({}, defaultEditorCoreOptions, options)
    this.zoom = this.options.zoom
  }

  get view(): View {
    return {
      duration: this.duration,
      pxPerSec: this.pxPerSec,
      scrollLeft: this.scrollLeft,
      width: this.width,
    }
  }

  /** Timeline x [px] of a time. */
  x(seconds: number): number {
    return seconds * this.pxPerSec
  }

  /** Time of a screen x inside a panel [seconds]. */
  timeAt(screenX: number): number {
    const t = (screenX + this.scrollLeft) / (this.pxPerSec || 1)
    return Math.min(this.duration, Math.max(0, t))
  }

  use(plugin: EditorPlugin): EditorPlugin {
    this.#plugins.push(plugin)
    plugin.init(this)
    return plugin
  }

  destroy(): void {
    for (const p of this.#plugins.splice(0)) p.destroy()
    this.#player = null
    this.unAll()
  }

  // ---- requests from panels and shortcuts ------------------------------------------------

  playPause(): void {
    if (this.playing) this.#player?.pause()
    else this.#player?.play()
  }

  play(from?: number): void {
    this.#player?.play(from)
  }

  pause(): void {
    this.#player?.pause()
  }

  seek(seconds: number): void {
    const t = Math.min(this.duration, Math.max(0, seconds))
    this.#player?.seek(t)
    this.reportTime(t)
  }

  setRate(rate: number): void {
    this.rate = rate
    this.#player?.setRate(rate)
  }

  setZoom(pxPerSec: number): void {
    const z = Math.min(this.options.maxZoom, Math.max(this.options.minZoom, pxPerSec))
    this.zoom = z
    this.#player?.zoom(z)
  }

  /** Scroll the timeline to x [px] (clamped). */
  scrollTo(px: number): void {
    const max = Math.max(0, this.duration * this.pxPerSec - this.width)
    this.#player?.scrollTo(Math.min(max, Math.max(0, px)))
  }

  /** Make time t visible (scrolls only when it is off screen). */
  reveal(seconds: number): void {
    const x = this.x(seconds)
    if (x < this.scrollLeft || x > this.scrollLeft + this.width) this.scrollTo(x - this.width / 3)
  }

  setLoop(range: { start: number; end: number } | null): void {
    this.loop = range
    this.#player?.setLoop(range)
    this.emit('loop', range)
  }

  setChroma(chroma: ChromaView | null): void {
    this.chroma = chroma
    this.emit('chroma', chroma)
  }

  // ---- reports from the player ------------------------------------------------------------

  attachPlayer(player: Player | null): void {
    this.#player = player
  }

  reportReady(duration: number): void {
    this.duration = duration
    this.ready = true
    this.emit('view', this.view)
  }

  reportView(v: Partial<View>): void {
    if (v.duration !== undefined) this.duration = v.duration
    if (v.pxPerSec !== undefined) this.pxPerSec = v.pxPerSec
    if (v.scrollLeft !== undefined) this.scrollLeft = v.scrollLeft
    if (v.width !== undefined) this.width = v.width
    this.emit('view', this.view)
  }

  reportTime(seconds: number): void {
    this.time = seconds
    this.emit('time', seconds)
  }

  reportPlaying(playing: boolean): void {
    this.playing = playing
    this.emit('playing', playing)
  }
}
