/**
 * Reliability of the CLI at its edges (issue 11): the output folder is checked before any work, sizes
 * are bounded, a non-finite state is an error, interrupts leave a folder that says how far it got,
 * parsing is bounded, and bad input gets one readable line with exit code 2. Built CLI in dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[], cwd?: string, timeout = 60_000) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout });
const tmp = () => mkdtempSync(join(tmpdir(), 'calcitag-rel-'));

/** One line on stderr, starting with "calcitag:", no stack trace, no raw errno code. */
function expectOneLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^calcitag: /);
  expect(stderr).not.toMatch(/\n\s+at |\bE[A-Z]{3,}\b(?!.*allowed)/);
}

describe('output folder: checked before any work', () => {
  it.each([
    [['run', 'WLFS', '--trials', '1', '--out', '/proc/calcitag-x']],
    [['hw-study', '--protocols', 'WLFS', '--trials', '1', '--periods', '10', '--formats', 'int16', '--roundings', 'stochastic', '--out', '/proc/calcitag-y']],
  ])('refuses a folder under /proc at once: %s', (args) => {
    const t0 = Date.now();
    const r = run(args, undefined, 20_000);
    expect(r.status).toBe(2);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/kernel file system/);
  });

  it('refuses an existing file as --out before the hw study runs', () => {
    const d = tmp();
    const f = join(d, 'a-file');
    writeFileSync(f, 'x');
    const t0 = Date.now();
    const r = run(['hw-study', '--out', f]); // the full default study takes minutes: refusal must come first
    expect(r.status).toBe(2);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/is a file, not a folder/);
    expect(readFileSync(f, 'utf8')).toBe('x');
  });

  it('network: refuses a folder that holds files before the network runs', () => {
    const d = tmp();
    writeFileSync(join(d, 'keep.txt'), 'x');
    const t0 = Date.now();
    const r = run(['network', '--out', d]); // the default network takes minutes: refusal must come first
    expect(r.status).toBe(2);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/already holds files/);
  });

  it('refuses a path that runs through a file', () => {
    const d = tmp();
    writeFileSync(join(d, 'f'), 'x');
    const r = run(['run', 'WLFS', '--trials', '1', '--out', join(d, 'f', 'sub')]);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/is a file, not a folder/);
  });

  it("refuses --out '' (it used to write into the current folder)", () => {
    const d = tmp();
    const r = run(['run', 'WLFS', '--trials', '1', '--out', ''], d);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(readdirSync(d)).toEqual([]);
  });

  it('refuses a folder that holds files unless --force, for protocols and experiment files', () => {
    const d = tmp();
    writeFileSync(join(d, 'log.txt'), 'mine\n');
    const exp = join(tmp(), 'e.yaml');
    writeFileSync(exp, 'protocols: [WLFS]\ntrials: 1\n');
    for (const what of ['WLFS', exp]) {
      const r = run(['run', what, '--trials', '1', '--out', d]);
      expect(r.status).toBe(2);
      expectOneLine(r.stderr);
      expect(r.stderr).toMatch(/already holds files.*--force/);
      expect(readFileSync(join(d, 'log.txt'), 'utf8')).toBe('mine\n');
    }
    const ok = run(['run', 'WLFS', '--trials', '1', '--out', d, '--force', '--quiet']);
    expect(ok.status).toBe(0);
    expect(readdirSync(d)).toContain('summary.json');
    // an existing empty folder is fine without --force
    const empty = tmp();
    expect(run(['run', 'WLFS', '--trials', '1', '--out', empty, '--quiet']).status).toBe(0);
  });

  // As root (CI) every folder is writable: the CLI then runs as the user nobody through setpriv
  const root = process.getuid?.() === 0;
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const asNobody = (args: string[]) => spawnSync(setpriv!, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  // (and only where nobody can read the checkout: not under a private home folder)
  const nobodyRuns = root && setpriv !== undefined && asNobody(['--version']).status === 0;
  it.skipIf(root && !nobodyRuns)('refuses a folder that is not writable', () => {
    const d = tmp();
    chmodSync(d, 0o755); // mkdtemp's 0700 would keep nobody out of the parent
    const ro = join(d, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      const args = ['run', 'WLFS', '--trials', '1', '--out', join(ro, 'sub')];
      const r = root ? asNobody(args) : run(args);
      expect(r.status, r.stderr).toBe(2);
      expectOneLine(r.stderr);
      expect(r.stderr).toMatch(/not writable/);
      expect(readdirSync(ro)).toEqual([]);
    } finally {
      chmodSync(ro, 0o755);
    }
  });
});

describe('parsing: linear time, bounded input', () => {
  it('parses a YAML mapping with many keys in linear time (yaml uniqueKeys was quadratic)', async () => {
    const { parseExperimentText } = await import('../src/experiments/experiment.js');
    const text = (n: number) => {
      let t = 'protocols: [WLFS]\nextra:\n';
      for (let i = 0; i < n; i++) t += `  key${i}: ${i}\n`;
      return t;
    };
    const time = (n: number) => {
      const s = text(n);
      const t0 = performance.now();
      const obj = parseExperimentText(s, 'big.yaml') as { extra: Record<string, number> };
      expect(Object.keys(obj.extra)).toHaveLength(n);
      return performance.now() - t0;
    };
    time(2000); // warm-up
    // four times the keys: about four times the time when linear, sixteen when quadratic (it was: 5 000
    // keys 2 s, 20 000 keys 14 s); the best of two runs of each, against a busy machine
    const small = Math.min(time(5000), time(5000));
    const large = Math.min(time(20_000), time(20_000));
    expect(large, `5 000 keys ${small.toFixed(0)} ms, 20 000 keys ${large.toFixed(0)} ms`).toBeLessThan(8 * small + 300);
  });

  it('still reports a duplicate key with its line, and refuses an alias bomb', async () => {
    const { parseExperimentText, ExperimentError } = await import('../src/experiments/experiment.js');
    expect(() => parseExperimentText('trials: 1\nseed: 2\ntrials: 3\n', 'd.yaml')).toThrow(/line 3, column 1: Map keys must be unique/);
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...['b', 'c', 'd', 'e', 'f'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcde'[i]}`).join(',')}]`)].join('\n');
    expect(() => parseExperimentText(bomb, 'bomb.yaml')).toThrow(ExperimentError);
    expect(() => parseExperimentText(bomb, 'bomb.yaml')).toThrow(/too many alias expansions/);
  });

  it('refuses an experiment file over the size limit with exit 2 and no stack trace', () => {
    const d = tmp();
    const f = join(d, 'huge.yaml');
    writeFileSync(f, `protocols: [WLFS]\n# ${'x'.repeat(11 * 2 ** 20)}\n`);
    const r = run(['run', f, '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/at most 10 MiB/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(d)).toEqual(['huge.yaml']);
  });

  it('an alias bomb through the CLI: exit 2, readable, nothing written', () => {
    const d = tmp();
    const f = join(d, 'bomb.yaml');
    writeFileSync(f, ['protocols: [WLFS]', 'a: &a [x,x,x,x,x,x,x,x,x]', ...['b', 'c', 'd', 'e', 'f'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcde'[i]}`).join(',')}]`)].join('\n') + '\n');
    const r = run(['run', f, '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/too many alias expansions/);
    expect(r.stderr).not.toMatch(/resource exhaustion|\n\s+at /);
    expect(readdirSync(d)).toEqual(['bomb.yaml']);
  });
});

describe('numerics: documented ranges, a non-finite state stops the run', () => {
  it.each(['sigma_pl=1e200', 'gamma_p=1e308', 'c_pre=1e308'])('refuses --param %s with exit 2 (it printed NaN ± NaN … ✓)', (p) => {
    const d = tmp();
    const r = run(['run', 'WTET', '--trials', '1', '--param', p, '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/must be ≤/);
    expect(r.stdout).not.toMatch(/NaN|Infinity|✓/);
    expect(readdirSync(d)).toEqual([]);
  });

  it('refuses the same values in an experiment file', () => {
    const d = tmp();
    const f = join(d, 'e.yaml');
    writeFileSync(f, 'protocols: [WTET]\ntrials: 1\nparams:\n  sigma_pl: 1e200\n  gamma_p: 1.0e308\n');
    const r = run(['run', f, '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/params\.sigma_pl: must be ≤ 1000/);
    expect(r.stderr).toMatch(/params\.gamma_p: must be ≤ 1000000/);
    expect(readdirSync(d)).toEqual(['e.yaml']);
  });

  it('every parameter has a finite documented range', async () => {
    const { PARAM_SPECS } = await import('../src/model/parameters.js');
    for (const s of PARAM_SPECS) {
      expect(s.min, s.name).toBeTypeOf('number');
      expect(s.max, s.name).toBeTypeOf('number');
      expect(s.single >= s.min! && s.single <= s.max!, s.name).toBe(true);
      if (s.network !== undefined) expect(s.network >= s.min! && s.network <= s.max!, s.name).toBe(true);
    }
  });

  it('a trial whose state is not finite stops the ensemble, naming the variable and the time', async () => {
    const { EnsembleAccumulator, NonFiniteStateError } = await import('../src/experiments/ensemble.js');
    const acc = new EnsembleAccumulator(4.2, 'WTET');
    const t_s = Float64Array.from([0, 60, 120]);
    const ok = Float64Array.from([4.2, 4.2, 4.2]);
    const sc = { trial: 3, outcome: 'none' as const, tagged: false, proteinSynthesis: false, maxDev_mV: 0, pMax: 0, tPMax_s: 0, preSpikes: 0, postSpikes: 0, steps: 0, wall_ms: 0 };
    expect(() => acc.addTrace(t_s, Float64Array.from([4.2, NaN, 4.2]), ok, ok, sc)).toThrow(NonFiniteStateError);
    expect(() => acc.addTrace(t_s, ok, ok, Float64Array.from([0, 0, Infinity]), sc)).toThrow('WTET, trial 3: p became Infinity at t = 120 s');
    expect(() => acc.addTrace(t_s, ok, ok, ok, { ...sc, maxDev_mV: NaN })).toThrow(/max \|h − h0\| became NaN/);
    expect(acc.result('WTET', 'exact', 0).trials).toBe(0);
  });
});

describe('sizes: one set of limits, an estimate before the run', () => {
  const exp = (d: string, text: string) => {
    const f = join(d, 'e.yaml');
    writeFileSync(f, text);
    return f;
  };

  it.each([
    ['a train count of 1e9', 'protocols:\n  - {name: big, duration_s: 100, trains: [{onset_s: 0, duration_s: 1, rate_Hz: 100, count: 1000000000, period_s: 1}]}\n', /count: must be ≤ 1000000/],
    ['duration_s: 1e12', 'protocols:\n  - {name: big, duration_s: 1e12, trains: [{onset_s: 0, duration_s: 1, rate_Hz: 100}]}\n', /duration_s: must be ≤ 10000000 s/],
    ['a 1e5 Hz train', 'protocols:\n  - {name: big, duration_s: 10000, trains: [{onset_s: 0, duration_s: 10000, rate_Hz: 100000}]}\n', /rate_Hz: must be ≤ 10000/],
  ])('refuses %s in an experiment file, exit 2, nothing written', (_, text, msg) => {
    const d = tmp();
    const r = run(['run', exp(d, text), '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(readdirSync(d)).toEqual(['e.yaml']);
  });

  it('caps --trials on the command line as experiment files do', () => {
    const r = run(['run', 'WLFS', '--trials', '100000000']);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/≤ 1000000/);
    expect(run(['hw-study', '--trials', '100000000']).status).toBe(2);
  });

  it('estimates memory and output up front and refuses a huge run without --allow-large', () => {
    const d = tmp();
    // a probe every 0.2 ms without fast-forward: about 6 GiB of files (it wrote 18 GB unannounced)
    const f = exp(d, 'protocols: [STET]\ntrials: 2\nfast_forward: false\nprobes: [{name: fine, variables: [V, c, h], interval_s: 0.0002, trials: all}]\n');
    const r = run(['run', f, '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/about [\d.]+ GiB of files.*--allow-large/);
    expect(readdirSync(d)).toEqual(['e.yaml']);
    // a fine grid over a long protocol: refused before any typed array is allocated
    const g = run(['run', exp(d, 'protocols: [{name: long, duration_s: 1e7, trains: [{onset_s: 0, duration_s: 1, rate_Hz: 10}]}]\nsample_interval_s: 1e-6\n'), '--out', join(d, 'o3')]);
    expect(g.status).toBe(2);
    expect(g.stderr).not.toMatch(/Invalid typed array length/);
    expect(g.stderr).toMatch(/GiB of memory/);
  });

  it('per-trial rows are compact: 4 protocols × 10⁶ trials fit without --allow-large; a TrialTable row is what the objects were', async () => {
    const { estimateRun } = await import('../src/experiments/limits.js');
    const { resolveExperiment } = await import('../src/experiments/experiment.js');
    const e = estimateRun(resolveExperiment({ protocols: ['STET', 'WTET', 'SLFS', 'WLFS'], trials: 1_000_000 }));
    expect(e.memory_bytes).toBeLessThan(4 * 2 ** 30);
    expect(e.memory_bytes).toBeGreaterThan(4e6 * 208); // 26 doubles a trial
    const { runEnsemble } = await import('../src/experiments/ensemble.js');
    const { defaultParams } = await import('../src/model/parameters.js');
    const { PRESET_PROTOCOLS } = await import('../src/model/protocols.js');
    const res = runEnsemble({ protocol: PRESET_PROTOCOLS.WTET, engine: 'exact', trials: 5, seed: 3, params: defaultParams(), dt_ms: 0.2, fastForward: true, sampleInterval_s: 60 });
    expect(res.table.length).toBe(5);
    const rows = res.rows;
    expect(rows.map((r) => r.trial)).toEqual([0, 1, 2, 3, 4]);
    expect(Object.keys(rows[0]!.w_rel)).toEqual(['pre', '2h', '4h', '6h', '8h']);
    expect(res.table.column('w_rel_8h')[2]).toBe(rows[2]!.w_rel['8h']);
    expect(res.w_rel['8h']!.mean).toBeCloseTo(rows.reduce((a, r) => a + r.w_rel['8h']!, 0) / 5, 12);
  });

  it('estimateRun counts spikes, grid, rows and probe samples', async () => {
    const { estimateRun } = await import('../src/experiments/limits.js');
    const { resolveExperiment } = await import('../src/experiments/experiment.js');
    const small = estimateRun(resolveExperiment({ protocols: ['WTET'], trials: 2 }));
    expect(small.memory_bytes).toBeLessThan(300 * 2 ** 20);
    expect(small.spikes_per_trial).toBeCloseTo(20, 0);
    const probes = estimateRun(resolveExperiment({ protocols: ['WTET'], trials: 2, probes: [{ name: 'w', variables: ['w', 'h'], interval_s: 1, trials: 'all' }] }));
    expect(probes.output_bytes).toBeGreaterThan(2 * 2 * 28_800 * 8); // trials × variables × samples × 8 B
  });
});

describe('sizes of network runs', () => {
  it('estimateNetworkRun: synapses from the rules, spikes only where the run integrates step by step', async () => {
    const { estimateNetworkRun, expectedSynapses, ESTIMATE_RATE_HZ } = await import('../src/experiments/network/estimate.js');
    const { memoryParadigm } = await import('../src/model/network/memoryParadigm.js');
    const { description } = memoryParadigm({ recall: '8h' });
    // 2000 neurons, p = 0.1, no autapses: 0.1 · 2000 · 1999 plastic and static synapses together
    expect(expectedSynapses(description)).toBeCloseTo(0.1 * 2000 * 1999, -2);
    const ff = estimateNetworkRun(description, 0.2, true);
    const full = estimateNetworkRun(description, 0.2, false);
    expect(full.spikes_per_trial).toBeCloseTo(2000 * ESTIMATE_RATE_HZ * description.duration_s, -4);
    expect(ff.spikes_per_trial).toBeLessThan(full.spikes_per_trial / 100); // fast-forward stretches are silent
    expect(full.memory_bytes).toBeLessThan(4 * 2 ** 30); // the published 8 h run without fast-forward is allowed
  });

  it('network: refuses a run past 4 GiB without --allow-large, before drawing the network', () => {
    const d = tmp();
    const t0 = Date.now();
    const r = run(['network', '--neurons-exc', '16000', '--neurons-inh', '4000', '--recall', '8h', '--no-fast-forward', '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/about [\d.]+ GiB of memory.*fewer neurons, a shorter run, fast-forward.*--allow-large/);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('messages: one readable line, exit 2 for a path that cannot be used', () => {
  it('schema --out onto a folder or through a file', () => {
    const d = tmp();
    mkdirSync(join(d, 'dir'));
    writeFileSync(join(d, 'f'), 'x');
    for (const [out, msg] of [[join(d, 'dir'), /is a folder, not a file/], [join(d, 'f', 'x.json'), /a file is in the way/]] as const) {
      const r = run(['schema', '--out', out]);
      expect(r.status).toBe(2);
      expectOneLine(r.stderr);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('readableError turns errno and allocation errors into words', async () => {
    const { readableError } = await import('../src/cli/errors.js');
    const errno = (code: string, syscall: string, path: string) => Object.assign(new Error(`${code}: raw, ${syscall} '${path}'`), { code, syscall, path });
    expect(readableError(errno('EPERM', 'mkdir', '/x'))).toEqual(['cannot write /x: permission denied', 2]);
    expect(readableError(errno('EEXIST', 'mkdir', '/f/x'))[0]).toMatch(/a file is in the way/);
    expect(readableError(errno('ENOTDIR', 'open', '/f/x'))).toEqual(['cannot read or open /f/x: a part of the path is a file, not a folder', 2]);
    expect(readableError(errno('ENOSPC', 'write', '/x'))).toEqual(['cannot write /x: no space left on the device', 1]);
    expect(readableError(new RangeError('Invalid typed array length: 16666666666'))).toEqual([expect.stringMatching(/too large to hold in memory/), 2]);
    expect(readableError(new Error('two\nlines'))).toEqual(['two', 1]);
  });
});

describe('interrupts', () => {
  const longExperiment = (d: string) => {
    const f = join(d, 'long.yaml');
    // one trial of 'long' integrates 10⁶ s step by step (minutes of work): a stop that waited for the
    // trial's end would time the test out
    writeFileSync(f, `trials: 20
engine: reference
fast_forward: false
protocols:
  - { name: quick, duration_s: 20, spike_times_s: [1, 1.01] }
  - { name: long, duration_s: 1000000, trains: [{ onset_s: 10, duration_s: 1, rate_Hz: 100 }] }
probes:
  - { name: all, variables: [h, z, c], interval_s: 0.01, protocols: [quick], trials: all }
  - { name: slow, variables: [h], interval_s: 10, protocols: [long], trials: all }
outputs: { npy: true }
`);
    return f;
  };

  it('Ctrl-C inside a long trial stops it at once and leaves a folder that says how far it got', async () => {
    const d = tmp();
    const dir = join(d, 'run');
    const child = spawn(process.execPath, [CLI, 'run', longExperiment(d), '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress line:\n${stderr}`)), 60_000);
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/quick: all 20 trials done/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 500)); // inside the first trial of 'long'
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(Date.now() - t0, 'the trial was not stopped inside').toBeLessThan(20_000);
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/stopping the running trial/);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(s.interrupted).toBe(true);
    expect(s.progress.completed_protocols).toEqual(['quick']);
    expect(s.progress.partial).toBeUndefined(); // the stopped trial is dropped, not summarised
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toMatch(/interrupted: completed quick; not started: long/);
    const npy = readdirSync(join(dir, 'npy'));
    expect([...readdirSync(dir), ...npy].filter((x) => x.includes('.tmp-'))).toEqual([]);
    for (const t of npy.filter((x) => x.endsWith('_t_s.npy'))) {
      const stem = t.slice(0, -'t_s.npy'.length);
      expect(npy, t).toEqual(expect.arrayContaining([`${stem}h.npy`]));
    }
    // the stopped trial's streamed samples are not kept as a row
    const py = spawnSync('/usr/bin/python3', ['-c', `import h5py,sys; f=h5py.File(sys.argv[1]); print(f.attrs['complete'], f['traces/all/quick/h'].shape[0], f['traces/slow/long/h'].shape[0])`, join(dir, 'results.h5')], { encoding: 'utf8' });
    if (py.status === 0) expect(py.stdout.trim()).toBe('0 20 0');
    // the dashboard lists it as interrupted, with how far it got, and opens it
    const { startServer } = await import('../src/web/server.js');
    const server = await startServer({ root: d, port: 0, webDir: null, figureDirs: [], quiet: true });
    try {
      const runs = (await (await fetch(`${server.url}api/runs`)).json()) as { runs: Array<{ id: string; interrupted?: unknown; protocols: string[] }> };
      const listed = runs.runs.find((r) => r.id === 'run')!;
      expect(listed.interrupted).toEqual({ completed: ['quick'], partial: null, not_started: ['long'] });
      expect(listed.protocols).toEqual(['quick']);
      const detail = await fetch(`${server.url}api/runs/run`);
      expect(detail.status).toBe(200);
      expect((await fetch(`${server.url}api/runs/run/files/summary.json`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('a forced stop (Ctrl-C twice) terminates the run thread and closes the folder: no temporaries, a note', async () => {
    const { runExperimentInWorker, closeStoppedFolder, StoppedAtOnce } = await import('../src/cli/experimentRunner.js');
    const { checkOutputDir } = await import('../src/io/files.js');
    const d = tmp();
    const dir = checkOutputDir(join(d, 'run'));
    const { readExperimentFile } = await import('../src/experiments/experiment.js');
    const seen: string[] = [];
    const run = runExperimentInWorker({ experiment: readExperimentFile(longExperiment(d)), outDir: dir }, (p) => {
      if (p.phase === 'protocol' && p.protocol) seen.push(p.protocol);
    });
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    await run.stopNow();
    await expect(run.done).rejects.toBeInstanceOf(StoppedAtOnce);
    expect(readdirSync(dir).some((x) => x.includes('.tmp-'))).toBe(true); // results.h5 was being written
    closeStoppedFolder(dir, { protocols: ['quick', 'long'], trials: 20, completed: seen, current: { protocol: 'long', trialsDone: 0 }, emptySummary: {} });
    expect([...readdirSync(dir), ...readdirSync(join(dir, 'npy'))].filter((x) => x.includes('.tmp-'))).toEqual([]);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ interrupted: true, stopped_at_once: true, progress: { completed_protocols: ['quick'], not_started: ['long'] } });
    expect(s.results.map((r: { protocol: string }) => r.protocol)).toEqual(['quick']); // the finished protocol's summary kept
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toMatch(/stopped at once \(Ctrl-C twice\): completed quick; not started: long/);
  });
});

describe('examples', () => {
  it('set no parameter to a rounded default (the dashboard would list it as changed)', async () => {
    const { readExperimentFile, resolveExperiment } = await import('../src/experiments/experiment.js');
    const { defaultParams } = await import('../src/model/parameters.js');
    const dir = join(import.meta.dirname, '..', 'examples');
    const d = defaultParams('single') as Record<string, number>;
    for (const f of readdirSync(dir).filter((x) => /\.(ya?ml|json)$/.test(x))) {
      const raw = readExperimentFile(join(dir, f));
      if (raw && typeof raw === 'object' && 'populations' in raw) continue; // network descriptions: their own defaults
      const { sweep: _sweep, ...base } = raw as Record<string, unknown>; // a sweep spec: its experiment part
      const p = resolveExperiment(base, f).params as Record<string, number>;
      for (const [k, v] of Object.entries(p)) {
        const near = Math.abs(v - d[k]!) <= 1e-4 * Math.max(1, Math.abs(d[k]!));
        if (near) expect(v, `${f}: ${k}`).toBe(d[k]);
      }
    }
  });
});

describe('run folder: nothing written outside it', () => {
  it('RunDirectory refuses a name that leaves the folder', async () => {
    const { RunDirectory } = await import('../src/io/files.js');
    const d = tmp();
    const dir = new RunDirectory(join(d, 'run'));
    expect(() => dir.write('../evil.txt', 'x')).toThrow(/outside the run folder/);
    expect(() => dir.write('/tmp/evil.txt', 'x')).toThrow(/outside the run folder/);
    expect(() => dir.write('sub/../../evil.txt', 'x')).toThrow(/outside the run folder/);
    expect(readdirSync(d)).toEqual([]);
    dir.write('npy/ok.txt', 'x');
    expect(readFileSync(join(d, 'run', 'npy', 'ok.txt'), 'utf8')).toBe('x');
  });
});

describe('bad input found after the run started is now refused up front', () => {
  it.each([
    ['a train starting after its protocol ends', 'engine: exact\ntrials: 1\nprotocols:\n  - name: a\n    duration_s: 1.2\n    trains:\n      - {onset_s: 5, duration_s: 0.01, rate_Hz: 100}\n', /trains\[0\]\.onset_s: must be < the protocol's duration_s/],
    ['a spike time after its protocol ends', 'engine: reference\ntrials: 1\nprotocols:\n  - name: a\n    duration_s: 1.2\n    spike_times_s: [5]\n', /spike_times_s\[0\]: must be < the protocol's duration_s/],
    ['background noise on the exact engine', 'engine: exact\ntrials: 1\nparams:\n  sigma_wn: 1.5\nprotocols:\n  - name: a\n    duration_s: 2\n    trains:\n      - {onset_s: 0, duration_s: 0.1, rate_Hz: 10}\n', /engine 'exact' cannot run.*sigma_wn/],
  ])('%s: exit 2, nothing written, never "Invalid typed array length"', (_, text, msg) => {
    const d = tmp();
    const f = join(d, 'e.yaml');
    writeFileSync(f, text);
    const r = run(['run', f, '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/typed array|too large to hold/i);
    expect(readdirSync(d)).toEqual(['e.yaml']);
  });

  it('run --engine bss2 --param sigma_wn=0.1: exit 2 before anything runs', () => {
    const d = tmp();
    const r = run(['run', 'SLFS', '--engine', 'bss2', '--param', 'sigma_wn=0.1', '--trials', '1', '--workers', '0', '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/sigma_wn/);
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('integration step: one lower bound for --dt and dt_ms', () => {
  it('dt 1e-320 ms is refused on the command line and in a file: exit 2, nothing written', () => {
    const d = tmp();
    const r = run(['run', 'WTET', '--dt', '1e-320', '--out', join(d, 'o')]);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/≥ 0\.001/);
    const f = join(d, 'e.yaml');
    writeFileSync(f, 'engine: bss2\ntrials: 1\ndt_ms: 1e-320\nprotocols:\n  - name: a\n    duration_s: 1\n    trains:\n      - {onset_s: 0, duration_s: 0.1, rate_Hz: 50}\n');
    const e = run(['run', f, '--out', join(d, 'o')]);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/dt_ms: must be ≥ 0\.001/);
    expect(e.stderr).not.toMatch(/BigInt/);
    expect(readdirSync(d)).toEqual(['e.yaml']);
  });
});
