/** Undo/redo of whole snapshots (the editor's state is small and replaced on each edit). */
export interface HistoryOptions {
  /** Snapshots kept for undo [count] (Default value = 500). */
  limit: number
}

export const defaultHistoryOptions: HistoryOptions = { limit: 500 }

export class History<T> {
  readonly options: HistoryOptions
  #past: T[] = []
  #future: T[] = []

  constructor(options: Partial<HistoryOptions> = {}) {
    this.options = Object.assign({}, defaultHistoryOptions, options)
  }

  /** Record the state before an edit. */
  push(before: T): void {
    this.#past.push(before)
    if (this.#past.length > this.options.limit) this.#past.shift()
    this.#future = []
  }

  /** The state to go back to, given the present one; null when there is nothing to undo. */
  undo(present: T): T | null {
    const prev = this.#past.pop()
    if (prev === undefined) return null
    this.#future.push(present)
    return prev
  }

  redo(present: T): T | null {
    const next = this.#future.pop()
    if (next === undefined) return null
    this.#past.push(present)
    return next
  }

  clear(): void {
    this.#past = []
    this.#future = []
  }

  get canUndo(): boolean {
    return this.#past.length > 0
  }

  get canRedo(): boolean {
    return this.#future.length > 0
  }
}
