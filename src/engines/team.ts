/**
 * The ranks of one network run split across threads, as an engine's partitioned loop sees them: a
 * rank number, collective shared memory, a barrier and a broadcast. The numerical core only calls this
 * interface (browser-safe); Node's worker threads implement it in src/cli/networkThreads.ts, and a run
 * on one thread uses `soloTeam`, whose calls cost nothing.
 */
export interface Team {
  readonly rank: number;
  readonly size: number;
  /**
   * Collective: every rank calls it with the same byte count, in the same order; all get the same
   * zero-filled buffer (shared memory when size > 1).
   */
  share(bytes: number): ArrayBufferLike;
  /** Collective: returns once every rank has called it; throws when another rank failed. */
  barrier(): void;
  /** Collective barrier that hands rank 0's value to every rank. */
  broadcast(value: number): number;
  /**
   * Collective: rank 0's value (plain data: objects, arrays, typed arrays) for every rank, its typed
   * arrays in shared memory (read-only by convention); the other ranks pass undefined. Built once, held once.
   */
  shareValue<T>(value: T | undefined): T;
}

/** The team of a run on one thread. */
export const soloTeam: Team = {
  rank: 0,
  size: 1,
  share: (bytes) => new ArrayBuffer(bytes),
  barrier: () => {},
  broadcast: (value) => value,
  shareValue: <T>(value: T | undefined) => value as T,
};
