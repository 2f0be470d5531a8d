/**
 * Chroma of an audio file: decode (streamed) → mono → resample → [tuning] → chroma, with memory
 * bounded by `pcmBudgetBytes` rather than by the file's length, and an optional feature cache.
 *
 * With `tuning: 'auto'` the tuning must be known before the first chroma frame (the filterbank is
 * shifted by it), so the file is analysed in two passes: pass 1 decodes and feeds the tuning
 * estimator, keeping the analysis-rate PCM while it fits the budget; pass 2 feeds the kept PCM, or
 * decodes the file again when it did not fit. Both routes give identical numbers.
 */
import type { Chroma, ChromaOptions, ResampleOptions } from '../../core/features'
import {
  ChromaExtractor,
  mixToMono,
  Resampler,
  resolveChromaOptions,
  TuningEstimator,
} from '../../core/features'
import { AudioDecodeError, type DecodeInfo, decodeAudioFile } from '../audio'
import { type FeatureCache, featureCacheKey, hashFile } from './cache'

/** Options of `chromaOfFile` beyond the chroma options. */
export interface ChromaFileOptions {
  /** cache to read and fill; null = none (default null) */
  cache: FeatureCache | null
  /** files whose peak is below this level are rejected as silent; null accepts them [dBFS] (default −80) */
  silenceDb: number | null
  /** analysis-rate PCM kept between the two passes of tuning 'auto'; longer files are decoded twice
   *  [bytes] (default 64 MiB ≈ 12.7 min at 22050 Hz) */
  pcmBudgetBytes: number
  /** resampler design (default `defaultResampleOptions`) */
  resample: Partial<ResampleOptions>
  /** progress of the work, 0 … 1 */
  onProgress: ((fraction: number) => void) | null
}

export const defaultChromaFileOptions: Readonly<ChromaFileOptions> = {
  cache: null,
  silenceDb: -80,
  pcmBudgetBytes: 64 << 20,
  resample: {},
  onProgress: null,
}

/** What `chromaOfFile` learnt about the file besides the chroma. */
export interface ChromaFileResult {
  chroma: Chroma
  /** decode information (absent on a cache hit) */
  decode?: DecodeInfo
  /** the cache key, when a cache was given */
  cacheKey?: string
  cached: boolean
  /** decode passes run: 0 (cache hit), 1 or 2 */
  passes: number
}

/** Mono → analysis rate, streaming; passes through when the rates agree. */
class MonoResampler {
  private rs: Resampler | null = null
  private rate = 0
  constructor(
    private readonly target: number,
    private readonly design: Partial<ResampleOptions>,
    private readonly out: (x: Float32Array) => void,
  ) {}
  push(channels: Float32Array[], sampleRate: number): void {
    const mono = mixToMono(channels)
    if (this.rate === 0) {
      this.rate = sampleRate
      if (sampleRate !== this.target) this.rs = new Resampler(sampleRate, this.target, this.design)
    }
    if (!this.rs) this.out(mono.slice())
    else {
      const y = this.rs.push(mono)
      if (y.length) this.out(y)
    }
  }
  finish(): void {
    if (this.rs) {
      const y = this.rs.finish()
      if (y.length) this.out(y)
    }
  }
}

/**
 * Chroma of an audio file.
 * @param path audio file (WAV, FLAC, MP3, Ogg, M4A, …)
 * @param options chroma options, merged over the defaults of `options.pipeline` ('align' if absent)
 * @param fileOptions cache, silence threshold, memory budget, progress
 * @throws AudioDecodeError for unreadable, non-audio, truncated, unsupported, empty or silent files
 * @example const chroma = await chromaOfFile('song.mp3', { pipeline: 'fmp' })
 */
export async function chromaOfFile(
  path: string,
  options: Partial<ChromaOptions> = {},
  fileOptions: Partial<ChromaFileOptions> = {},
): Promise<Chroma> {
  return (await analyzeFile(path, options, fileOptions)).chroma
}

/** `chromaOfFile` with what was learnt on the way: decode info, cache key and hit, passes. */
export async function analyzeFile(
  path: string,
  options: Partial<ChromaOptions> = {},
  fileOptions: Partial<ChromaFileOptions> = {},
): Promise<ChromaFileResult> {
  const o = resolveChromaOptions(options)
  const f = Object.assign({}, defaultChromaFileOptions, fileOptions)
  let key: string | undefined
  if (f.cache) {
    let hash: string
    try {
      hash = await hashFile(path)
    } catch {
      // unreadable: let the decoder say why, in its words
      hash = ''
    }
    if (hash) {
      key = featureCacheKey(hash, o, f.resample)
      const hit = f.cache.get(key)
      if (hit) {
        f.onProgress?.(1)
        return { chroma: hit, cacheKey: key, cached: true, passes: 0 }
      }
    }
  }

  const auto = o.tuning === 'auto'
  const progress = (pass: number) => (x: number) => f.onProgress?.(auto ? (pass + x) / 2 : x)
  let extractor: ChromaExtractor | null = auto ? null : new ChromaExtractor(o)
  const tuner = auto ? new TuningEstimator(o.sampleRate) : null
  let kept: Float32Array[] | null = auto ? [] : null
  let keptBytes = 0
  let monoPeak = 0
  const pass1 = new MonoResampler(o.sampleRate, f.resample, (x) => {
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]!)
      if (a > monoPeak) monoPeak = a
    }
    if (extractor) extractor.push(x)
    if (tuner) {
      tuner.push(x)
      if (kept) {
        keptBytes += x.byteLength
        if (keptBytes <= f.pcmBudgetBytes) kept.push(x)
        else kept = null // too long to keep: decode again in pass 2
      }
    }
  })
  const info = await decodeAudioFile(path, (ch, sr) => pass1.push(ch, sr), { onProgress: progress(0) })
  pass1.finish()
  checkSilence(path, info, monoPeak, f.silenceDb)

  let passes = 1
  if (tuner) {
    extractor = new ChromaExtractor(o, tuner.finish())
    const ex = extractor
    if (kept) for (const x of kept) ex.push(x)
    else {
      passes = 2
      const pass2 = new MonoResampler(o.sampleRate, f.resample, (x) => ex.push(x))
      await decodeAudioFile(path, (ch, sr) => pass2.push(ch, sr), { onProgress: progress(1) })
      pass2.finish()
    }
  }
  const chroma = extractor!.finish()
  chroma.duration = info.duration // the decoded length at the file's own rate (resampling rounds up)
  f.onProgress?.(1)
  if (f.cache && key) f.cache.put(key, chroma)
  const result: ChromaFileResult = { chroma, decode: info, cached: false, passes }
  if (key) result.cacheKey = key
  return result
}

function checkSilence(path: string, info: DecodeInfo, monoPeak: number, silenceDb: number | null): void {
  if (silenceDb === null) return
  const floor = 10 ** (silenceDb / 20)
  const name = path.split(/[\\/]/).pop()
  if (info.peak <= floor) {
    const level =
      info.peak > 0
        ? `peak ${(20 * Math.log10(info.peak)).toFixed(0)} dBFS, below ${silenceDb} dBFS`
        : 'all zeros'
    throw new AudioDecodeError('silent', path, `${name}: is silent (${level}): there is nothing to analyse`)
  }
  if (monoPeak <= floor)
    throw new AudioDecodeError(
      'silent',
      path,
      `${name}: its channels cancel out when mixed to mono (one is phase-inverted); fix the file's polarity`,
    )
}

/**
 * Decode a whole file to mono PCM at a given rate (for the waveform view, tests and tools; the chroma
 * path streams instead).
 * @param sampleRate target rate [Hz]; null keeps the file's rate (default null)
 */
export async function decodeFileMono(
  path: string,
  sampleRate: number | null = null,
  resample: Partial<ResampleOptions> = {},
): Promise<{ pcm: Float32Array; sampleRate: number; info: DecodeInfo }> {
  const parts: Float32Array[] = []
  let rate = sampleRate ?? 0
  let mr: MonoResampler | null = null
  const info = await decodeAudioFile(path, (ch, sr) => {
    if (!mr) {
      if (!rate) rate = sr
      mr = new MonoResampler(rate, resample, (x) => parts.push(x))
    }
    mr.push(ch, sr)
  })
  ;(mr as MonoResampler | null)?.finish()
  let n = 0
  for (const p of parts) n += p.length
  const pcm = new Float32Array(n)
  let off = 0
  for (const p of parts) {
    pcm.set(p, off)
    off += p.length
  }
  return { pcm, sampleRate: rate, info }
}
