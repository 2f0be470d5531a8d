/**
 * LibraryState: the recordings list with search, imports (upload, path, dialog, drag and drop) and
 * removal. Refreshes itself on the backend's `library-changed` events.
 */
import type { ChordWarpApi, ImportResult, RecordingSummary } from '../../../core/api'
import { importFile } from '../lib/api'
import type { JobClient } from './JobClient.svelte'

export class LibraryState {
  items = $state.raw<RecordingSummary[]>([])
  query = $state('')
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

  /** The list filtered by the search box (the backend filters too; this keeps typing instant). */
  visible = $derived.by(() => {
    const q = this.query.trim().toLowerCase()
    if (!q) return this.items
    return this.items.filter((r) => r.title.toLowerCase().includes(q) || r.path.toLowerCase().includes(q))
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

  async remove(id: string): Promise<void> {
    try {
      await this.#api.removeRecording({ recordingId: id })
      this.items = this.items.filter((r) => r.id !== id)
    } catch (e) {
      this.error = (e as Error).message
    }
  }
}
