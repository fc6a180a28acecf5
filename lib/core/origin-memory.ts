import type { OriginMemory } from './plan';

/**
 * Origins that answered with a Negotiate challenge and then accepted our token. Later
 * requests to them send the token up front, saving the 401 round trip (requests-kerberos
 * takes it on every request). Bounded and expiring, so a long-lived process does not grow
 * and a server that stops asking for Kerberos is forgotten.
 */
export class ExpiringOriginSet implements OriginMemory {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly maxEntries = 256,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(origin: string): boolean {
    const expires = this.#seen.get(origin);
    if (expires === undefined) return false;
    if (expires > this.now()) return true;
    this.#seen.delete(origin);
    return false;
  }

  add(origin: string): void {
    // Map keeps insertion order: re-inserting moves the origin to the end, and the first
    // key is the least recently confirmed one, evicted when full.
    this.#seen.delete(origin);
    this.#seen.set(origin, this.now() + this.ttlMs);
    if (this.#seen.size > this.maxEntries) this.#seen.delete(this.#seen.keys().next().value as string);
  }

  delete(origin: string): void {
    this.#seen.delete(origin);
  }
}
