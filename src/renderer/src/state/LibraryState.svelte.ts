/**
 * LibraryState: the recordings list with search, imports (upload, path, dialog, drag and drop) and
 * removal. Refreshes itself on the backend's `library-changed` events.
 */
import type { ChordWarpApi, ImportResult, RecordingSummary } from '../../../core/api'
import { importFile } from '../lib/api'
import type { JobClient } from './JobClient.svelte'
import { parseTags } from './tags'

export class LibraryState {
  items = $state.raw<RecordingSummary[]>([])
  query = $state('')
  /** Show only recordings with this tag (null: all). */
  tagFilter = $state<string | null>(null)
  loading = $state(false)
  importing = $state(0)
  error = $state<string | null>(null)
  /** Last import's skipped files, one line each. */
  skipped = $state.raw<{ path: string; reason: string }[]>([])

  #api: ChordWarpApi
  #jobs: JobClient
  #refreshTimer: ReturnType<typeof setTimeout> | null = null

  constructor(api: ChordWarpApi, jobs: JobClient) {
    this.#api = api
    this.#jobs = jobs
    api.on('library-changed', () => this.#soon())
    api.on('connection', (c) => {
      if (c.connected) this.#soon()
    })
  }

  /** Every tag in the library, sorted, with how many recordings carry it. */
  allTags = $derived.by(() => {
    const n = new Map<string, number>()
    for (const r of this.items) for (const t of r.tags) n.set(t, (n.get(t) ?? 0) + 1)
    return [...n.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([tag, count]) => ({ tag, count }))
  })

  /** The list filtered by the chosen tag and the search box (title, path or a tag contains the text). */
  visible = $derived.by(() => {
    const q = this.query.trim().toLowerCase()
    const tag = this.tagFilter
    return this.items.filter(
      (r) =>
        (tag === null || r.tags.includes(tag)) &&
        (!q ||
          r.title.toLowerCase().includes(q) ||
          r.path.toLowerCase().includes(q) ||
          r.tags.some((t) => t.toLowerCase().includes(q))),
    )
  })

  #soon(): void {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer)
    this.#refreshTimer = setTimeout(() => void this.refresh(), 150)
  }

  async refresh(): Promise<void> {
    this.loading = true
    try {
      this.items = await this.#api.listRecordings({})
      this.error = null
    } catch (e) {
      this.error = (e as Error).message
    } finally {
      this.loading = false
    }
  }

  /** Upload / send files chosen in the browser or dropped on the window. Returns what was imported. */
  async importFiles(files: File[]): Promise<RecordingSummary[]> {
    const out: RecordingSummary[] = []
    const failed: { path: string; reason: string }[] = []
    this.importing += files.length
    try {
      for (const f of files) {
        try {
          out.push(await importFile(this.#api, f))
        } catch (e) {
          failed.push({ path: f.name, reason: (e as Error).message })
        } finally {
          this.importing--
        }
      }
    } finally {
      this.skipped = failed
      await this.refresh()
    }
    return out
  }

  /** Import paths on the backend's machine (typed in browser mode, chosen in a dialog in Electron). */
  async importPaths(paths: string[]): Promise<ImportResult | null> {
    if (paths.length === 0) return null
    this.error = null
    try {
      const r = await this.#jobs.run<ImportResult>(
        `Importing ${paths.length === 1 ? paths[0] : `${paths.length} items`}`,
        () => this.#api.importFiles({ paths }),
      )
      this.skipped = r.skipped
      await this.refresh()
      return r
    } catch (e) {
      this.error = (e as Error).message
      return null
    }
  }

  /** Native dialog (Electron), then import what was chosen. */
  async importWithDialog(mode: 'files' | 'folder'): Promise<ImportResult | null> {
    try {
      const { paths } = await this.#api.openFilesDialog({ mode })
      return this.importPaths(paths)
    } catch (e) {
      this.error = (e as Error).message
      return null
    }
  }

  /** Replace a recording's tags; `text` is comma-separated as the user typed it. */
  async setTags(id: string, text: string): Promise<void> {
    const tags = parseTags(text)
    try {
      const r = await this.#api.setTags({ recordingId: id, tags })
      this.items = this.items.map((x) => (x.id === id ? r : x))
      if (this.tagFilter !== null && !this.allTags.some((t) => t.tag === this.tagFilter))
        this.tagFilter = null
    } catch (e) {
      this.error = (e as Error).message
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.#api.removeRecording({ recordingId: id })
      this.items = this.items.filter((r) => r.id !== id)
    } catch (e) {
      this.error = (e as Error).message
    }
  }
}
