/**
 * When a network run integrates step by step and when it fast-forwards, as the C++ simulator decides
 * (NetworkSimulation.cpp): FF_BUFFER_S after the last window of a stimulus (its learning stimulus, in
 * the published paradigm), if no stimulation is on at that moment, the run fast-forwards until two
 * steps before the next stimulation window starts (then integrates in detail again), or to the end.
 */
import type { NetworkDescription } from '../../model/network/description.js';
import { stimulusWindows } from '../../model/network/description.js';
import { FF_BUFFER_S } from '../reference/fastForward.js';

/** A stretch of the run: detailed steps [from, to] (inclusive), or fast-forward from step `from` to `to`. */
export interface Segment {
  readonly mode: 'detailed' | 'fast-forward';
  readonly from: number;
  readonly to: number;
}

export function runSchedule(d: NetworkDescription, dt: number, fastForward: boolean): Segment[] {
  const nLast = Math.ceil(d.duration_s / dt - 1e-9);
  if (!fastForward || d.stimuli.length === 0) return [{ mode: 'detailed', from: 0, to: nLast }];
  const windows = d.stimuli.map((s) => stimulusWindows(s).map(([a, b]) => [Math.round(a / dt), Math.round(b / dt)] as const));
  const all = windows.flat().sort((a, b) => a[0] - b[0]);
  const active = (j: number) => all.some(([a, b]) => a <= j && j < b);
  const entries = windows
    .filter((w) => w.length > 0)
    .map((w) => Math.max(...w.map(([, b]) => b)) + Math.round(FF_BUFFER_S / dt))
    .filter((j) => j < nLast && !active(j))
    .sort((a, b) => a - b);
  const out: Segment[] = [];
  let j = 0;
  for (const entry of entries) {
    if (entry < j) continue;
    const nextStart = all.find(([a]) => a > entry)?.[0];
    const exit = nextStart !== undefined ? Math.max(entry, nextStart - 2) : nLast;
    out.push({ mode: 'detailed', from: j, to: entry });
    if (exit > entry) out.push({ mode: 'fast-forward', from: entry, to: exit });
    j = exit + 1;
  }
  if (j <= nLast) out.push({ mode: 'detailed', from: j, to: nLast });
  return out;
}
