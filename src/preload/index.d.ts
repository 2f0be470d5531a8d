import type { ChordWarpBridge } from './bridge'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    chordwarpBridge?: ChordWarpBridge
  }
}
