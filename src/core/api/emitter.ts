/**
 * A typed event emitter (after wavesurfer.js `src/event-emitter.ts`): events are declared as a map from
 * name to a labelled tuple, `on` returns its unsubscribe function and `emit` is protected.
 */

/** Map of event name → argument tuple, e.g. `{ progress: [fraction: number] }`. */
// biome-ignore lint/suspicious/noExplicitAny: event payload tuples are arbitrary
export type EventMap = { [event: string]: any[] }

export type Listener<T extends EventMap, E extends keyof T> = (...args: T[E]) => void

export class Emitter<T extends EventMap> {
  #listeners = new Map<keyof T, Set<Listener<T, keyof T>>>()

  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends keyof T>(event: E, listener: Listener<T, E>): () => void {
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, (set = new Set()))
    set.add(listener as Listener<T, keyof T>)
    return () => this.un(event, listener)
  }

  /** Subscribe for one emission only. */
  once<E extends keyof T>(event: E, listener: Listener<T, E>): () => void {
    const off = this.on(event, ((...args: T[E]) => {
      off()
      listener(...args)
    }) as Listener<T, E>)
    return off
  }

  /** Unsubscribe a listener. */
  un<E extends keyof T>(event: E, listener: Listener<T, E>): void {
    this.#listeners.get(event)?.delete(listener as Listener<T, keyof T>)
  }

  /** Remove every listener. */
  unAll(): void {
    this.#listeners.clear()
  }

  /** Number of listeners of an event (for tests and leak checks). */
  listenerCount(event: keyof T): number {
    return this.#listeners.get(event)?.size ?? 0
  }

  /**
   * Call each listener of `event` in subscription order. A throwing listener does not stop the
   * others; the first error is rethrown once all have run.
   */
  protected emit<E extends keyof T>(event: E, ...args: T[E]): void {
    const set = this.#listeners.get(event)
    if (!set) return
    let first: { error: unknown } | null = null
    for (const l of [...set]) {
      try {
        l(...args)
      } catch (error) {
        first ??= { error }
      }
    }
    if (first) throw first.error
  }
}
