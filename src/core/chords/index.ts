export { ChordSyntaxError } from './errors'
export type { Chord } from './harte'
export {
  buildChord,
  canonicalHarte,
  degreeToSemitone,
  formatHarte,
  isHarte,
  parseHarte,
  rootToPitchClass,
  SHORTHAND_DEGREES,
  SHORTHANDS,
} from './harte'
export type { LabParse, Segment } from './lab'
export { formatChordsTxt, formatLab, labToSequence, parseChordsTxt, parseLab, parseLabStrict } from './lab'
export type { SequenceChord, SequenceParse } from './leadsheet'
export { mergeRepeats, parseLeadSheetSymbol, parseSequence, parseSequenceStrict } from './leadsheet'
export { classLabel, EXCLUDED, majminClass, N_CLASS, PITCH_NAMES, reduceMajMin, reduceRoot } from './reduce'
