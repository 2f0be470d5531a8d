/** Node-side audio decoding: files → PCM, streamed, with one-line errors for bad input. */
export {
  type AudioSink,
  type DecodeInfo,
  type DecodeOptions,
  decodeAudioFile,
  defaultDecodeOptions,
} from './decode'
export { AudioDecodeError, type AudioErrorKind } from './errors'
export { MP3_DECODER_DELAY, type Mp3Info, parseMp3Info } from './mp3info'
export { describeNonAudio, type SniffedFormat, sniffAudio } from './sniff'
