import { describe, expect, it } from 'vitest';
import { builtScript } from './builtScript.js';

describe('builtScript', () => {
  it('resolves beside the module in the build, and to the build from the TypeScript sources', () => {
    expect(builtScript('file:///r/dist/src/cli/commands/sweep.js', 'cli/sweepJobWorker.js').href).toBe('file:///r/dist/src/cli/sweepJobWorker.js');
    expect(builtScript('file:///r/src/cli/commands/sweep.ts', 'cli/sweepJobWorker.js').href).toBe('file:///r/dist/src/cli/sweepJobWorker.js');
    expect(builtScript('file:///home/u/src/app/src/experiments/parallel.ts', 'experiments/worker.js').href).toBe('file:///home/u/src/app/dist/src/experiments/worker.js');
    expect(() => builtScript('file:///r/lib/x.js', 'a.js')).toThrow(/not a module under src/);
  });
});
