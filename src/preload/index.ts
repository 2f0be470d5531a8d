/** Preload: the typed ChordWarp API over IPC, nothing else. */
import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('chordwarp', { version: '0.1.0' })
