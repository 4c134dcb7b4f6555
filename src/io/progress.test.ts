import { describe, expect, it } from 'vitest';
import type { ExperimentProgress } from '../experiments/experimentRun.js';
import { createProgressReporter, formatDuration, progressLine } from './progress.js';

const sink = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, stream: Object.assign({ write: (s: string) => (chunks.push(s), true), isTTY, columns: 120 }) as unknown as NodeJS.WritableStream };
};
const p = (phase: ExperimentProgress['phase'], done: number, protocol?: string): ExperimentProgress => ({
  phase, protocol, protocolIndex: 0, protocols: 2, trialsDone: done, trials: 2, done, total: 4, elapsed_s: done * 1.5, eta_s: done ? (4 - done) * 1.5 : undefined,
});

describe('progress reporting', () => {
  it('formats durations and lines', () => {
    expect([formatDuration(3.21), formatDuration(42), formatDuration(185), formatDuration(3725), formatDuration(undefined)]).toEqual(['3.2 s', '42 s', '3 min 05 s', '1 h 02 min', '–']);
    expect(progressLine(p('trial', 1, 'STET'))).toBe('STET: trial 1/2 (protocol 1/2; 1/4 trials, 25%), elapsed 1.5 s, ETA 4.5 s');
  });

  it('writes plain, rate-limited lines when not on a terminal, and nothing when quiet', () => {
    const s = sink(false);
    const r = createProgressReporter({ stream: s.stream, intervalMs: 60_000 });
    for (const e of [p('start', 0), p('trial', 1, 'STET'), p('trial', 2, 'STET'), p('protocol', 2, 'STET'), p('done', 4)]) r.onProgress(e);
    expect(s.chunks.map((c) => c.trim())).toEqual([
      'calcitag: starting: 2 protocol(s) × 2 trials',
      'calcitag: STET: all 2 trials done (protocol 1/2; 2/4 trials, 50%), elapsed 3.0 s, ETA 3.0 s',
      'calcitag: done: 4/4 trials in 6.0 s',
    ]);
    const q = sink(false);
    const quiet = createProgressReporter({ stream: q.stream, quiet: true });
    quiet.onProgress(p('trial', 1, 'STET'));
    quiet.log('x');
    expect(q.chunks).toEqual([]);
  });

  it('draws a bar with ETA on a terminal', () => {
    const s = sink(true);
    const r = createProgressReporter({ stream: s.stream });
    r.onProgress(p('trial', 1, 'STET'));
    r.onProgress(p('protocol', 2, 'STET'));
    r.stop();
    const out = s.chunks.join('');
    expect(out).toMatch(/25% \| 1\/4 trials \| STET \| elapsed 1\.5 s \| ETA 4\.5 s/);
    expect(out).toContain('calcitag: STET: all 2 trials done');
  });
});
