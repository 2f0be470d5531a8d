/**
 * Waveform panel and player: wavesurfer.js 7 in `container`, with its regions plugin marking the
 * loop range. It is the core's player (play, seek, rate, zoom, scroll) and reports time, scroll and
 * the effective zoom back, so every other panel follows the same time axis.
 *
 * Given the backend's peaks and the exact duration, wavesurfer draws them and never fetches or
 * decodes the file: it plays through an `<audio>` element that streams the URL with range requests,
 * so an hour-long recording costs the page a few MB. Without peaks it decodes the audio itself.
 */
import WaveSurfer from 'wavesurfer.js'
import RegionsPlugin, { type Region } from 'wavesurfer.js/dist/plugins/regions.esm.js'
import type { WaveformSource } from '../../state/peaks'
import type { EditorCore, EditorPlugin } from '../EditorCore.svelte'

export interface WaveformOptions {
  /** Height of the waveform [px] (Default value = 96). */
  height: number
  waveColor: string
  progressColor: string
  cursorColor: string
  loopColor: string
}

export const defaultWaveformOptions: WaveformOptions = {
  height: 96,
  waveColor: '#9aa5b8',
  progressColor: '#4a5a7a',
  cursorColor: '#d9480f',
  loopColor: 'rgba(217, 72, 15, 0.12)',
}

export class WaveformPlugin implements EditorPlugin {
  readonly options: WaveformOptions
  #container: HTMLElement
  #url: string
  #source: WaveformSource
  #ws: WaveSurfer | null = null
  #regions: RegionsPlugin | null = null
  #loop: Region | null = null
  #subs: (() => void)[] = []
  #onError: (message: string) => void

  constructor(
    container: HTMLElement,
    url: string,
    source: WaveformSource,
    onError: (message: string) => void,
    options: Partial<WaveformOptions> = {},
  ) {
    this.#container = container
    this.#url = url
    this.#source = source
    this.#onError = onError
    this.options = Object.assign({}, defaultWaveformOptions, options)
  }

  init(core: EditorCore): void {
    const regions = RegionsPlugin.create()
    const src = this.#source
    // Peaks + duration: wavesurfer renders them and streams the URL through its media element.
    const given =
      src.kind === 'peaks'
        ? { peaks: src.channels, duration: src.duration }
        : src.kind === 'flat'
          ? { peaks: [new Float32Array(1)], duration: src.duration }
          : {}
    this.#container.dataset.source = src.kind
    const ws = WaveSurfer.create({
      container: this.#container,
      height: this.options.height,
      waveColor: this.options.waveColor,
      progressColor: this.options.progressColor,
      cursorColor: this.options.cursorColor,
      cursorWidth: 2,
      minPxPerSec: core.zoom,
      autoScroll: true,
      autoCenter: true,
      dragToSeek: true,
      // peaks arrive scaled so the loudest maximum or minimum is ±1: both halves share that scale
      // (wavesurfer's `normalize` would scale by the maxima alone and could clip the minima)
      normalize: src.kind !== 'peaks',
      url: this.#url,
      backend: 'MediaElement',
      ...given,
      plugins: [regions],
    })
    this.#ws = ws
    this.#regions = regions

    const reportView = () => {
      const duration = ws.getDuration()
      if (!duration) return
      const wrapperWidth = ws.getWrapper().getBoundingClientRect().width
      core.reportView({
        duration,
        pxPerSec: wrapperWidth / duration,
        scrollLeft: ws.getScroll(),
        width: ws.getWidth(),
      })
    }
    this.#subs.push(
      ws.on('ready', (duration) => {
        core.reportReady(duration)
        reportView()
      }),
      ws.on('redraw', reportView),
      ws.on('resize', reportView),
      ws.on('zoom', reportView),
      ws.on('scroll', (_s, _e, left) => core.reportView({ scrollLeft: left })),
      ws.on('timeupdate', (t) => core.reportTime(t)),
      ws.on('play', () => core.reportPlaying(true)),
      ws.on('pause', () => core.reportPlaying(false)),
      ws.on('finish', () => core.reportPlaying(false)),
      ws.on('error', (e) => this.#onError(`the audio cannot be played here: ${e.message}`)),
      regions.on('region-out', (r) => {
        if (r === this.#loop && ws.isPlaying()) r.play()
      }),
    )

    core.attachPlayer({
      play: (from) => {
        if (from !== undefined) ws.setTime(from)
        void ws.play()
      },
      pause: () => ws.pause(),
      seek: (t) => ws.setTime(t),
      setRate: (rate) => ws.setPlaybackRate(rate, true),
      zoom: (px) => {
        if (ws.getDuration() > 0) ws.zoom(px)
      },
      scrollTo: (px) => ws.setScroll(px),
      setLoop: (range) => this.#setLoop(range),
    })
  }

  #setLoop(range: { start: number; end: number } | null): void {
    const regions = this.#regions
    if (!regions) return
    if (!range) {
      this.#loop?.remove()
      this.#loop = null
      return
    }
    if (this.#loop) this.#loop.setOptions({ start: range.start, end: range.end })
    else
      this.#loop = regions.addRegion({
        start: range.start,
        end: range.end,
        color: this.options.loopColor,
        drag: false,
        resize: false,
      })
  }

  destroy(): void {
    for (const u of this.#subs.splice(0)) u()
    this.#ws?.destroy()
    this.#ws = null
    this.#regions = null
    this.#loop = null
  }
}
