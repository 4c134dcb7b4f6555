/**
 * Stopping a trial from outside while it runs. A trial is one synchronous computation, so a thread
 * running it cannot see a Ctrl-C handled on its own event loop; the front end runs it in a worker
 * thread instead and raises a shared flag (an `Int32Array` over a `SharedArrayBuffer`), and the
 * engines look at that flag at every coarse grid point (`GridRecorder`, once per sample interval: cheap,
 * and at most milliseconds of work apart). Browser-safe: only `Atomics`, no Node API.
 */

/** A trial stopped because an interrupt was requested: its partial state is discarded. */
export class TrialInterrupted extends Error {
  constructor() {
    super('the trial was interrupted');
    this.name = 'TrialInterrupted';
  }
}

let flag: Int32Array | undefined;

/** Makes this thread's trials watch `shared[0]` (non-zero: stop). Undefined removes the watch. */
export function watchInterruptFlag(shared: Int32Array | undefined): void {
  flag = shared;
}

/** Raises a flag made for {@link watchInterruptFlag} (from any thread). */
export function raiseInterruptFlag(shared: Int32Array): void {
  Atomics.store(shared, 0, 1);
}

/** Whether an interrupt has been requested for this thread's trials. */
export function interruptRequested(): boolean {
  return flag !== undefined && Atomics.load(flag, 0) !== 0;
}

/** Throws {@link TrialInterrupted} when an interrupt has been requested. */
export function throwIfInterrupted(): void {
  if (flag !== undefined && Atomics.load(flag, 0) !== 0) throw new TrialInterrupted();
}
