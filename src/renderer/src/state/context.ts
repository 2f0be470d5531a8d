/** Typed Svelte contexts: App creates the state objects, deep components read them. */
import { getContext, setContext } from 'svelte'
import type { ChordWarpApi, ServerInfo } from '../../../core/api'
import type { EditorCore } from '../editor/EditorCore.svelte'
import type { EditorState } from './EditorState.svelte'
import type { JobClient } from './JobClient.svelte'

const APP = Symbol('chordwarp-app')
const EDITOR = Symbol('chordwarp-editor')

export interface AppContext {
  api: ChordWarpApi
  jobs: JobClient
  info: () => ServerInfo | null
  notify: (message: string, kind?: 'info' | 'error') => void
}

export interface EditorContext {
  state: EditorState
  core: EditorCore
}

export const setAppContext = (c: AppContext) => setContext(APP, c)
export const getAppContext = () => getContext<AppContext>(APP)
export const setEditorContext = (c: EditorContext) => setContext(EDITOR, c)
export const getEditorContext = () => getContext<EditorContext>(EDITOR)
