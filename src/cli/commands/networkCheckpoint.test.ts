/** `calcitag network --checkpoint-every / --resume` end to end (built CLI in dist/). */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', '..', 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
/** A 50-neuron memory network with the 8-hour recall (learning, fast-forward, recall). */
const NET = ['network', '--neurons-exc', '40', '--neurons-inh', '10', '--assembly', '10', '--p', '0.3', '--recall', '8h', '--seed', '3', '--quiet'];

/** What a run folder holds that does not depend on the machine (the cost fields left out). */
function results(dir: string): Record<string, unknown> {
  const { cpu_s: _c, wall_s: _w, peak_rss_mb: _p, ...summary } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  return { summary, ...Object.fromEntries(['spikes.csv', 'weights.csv', 'population_rates.csv'].map((f) => [f, readFileSync(join(dir, f), 'utf8')])) };
}

describe('calcitag network --checkpoint-every / --resume', () => {
  it('resumes a run cut after learning and writes the uninterrupted run\'s results, bit for bit', () => {
    const root = mkdtempSync(join(tmpdir(), 'calcitag-ckpt-'));
    const plain = run([...NET, '--out', join(root, 'plain')]);
    expect(plain.status, plain.stderr).toBe(0);
    const saved = run([...NET, '--out', join(root, 'saved'), '--checkpoint-every', '5', '--keep-checkpoints', '0']);
    expect(saved.status, saved.stderr).toBe(0);
    expect(results(join(root, 'saved'))).toEqual(results(join(root, 'plain')));
    const names = readdirSync(join(root, 'saved', 'checkpoints')).sort();
    expect(names.slice(0, 4)).toEqual(['t000000005000ms.ckpt', 't000000010000ms.ckpt', 't000000015000ms.ckpt', 't000000020000ms.ckpt']);
    // the state of a run that died after t = 15 s (learning at 10–11 s): only the checkpoints it had written
    const crashed = join(root, 'crashed');
    cpSync(join(root, 'saved', 'checkpoints'), crashed, { recursive: true });
    for (const f of names.slice(3)) rmSync(join(crashed, f));
    const resumed = spawnSync(process.execPath, [CLI, ...NET.filter((a) => a !== '--quiet'), '--out', join(root, 'resumed'), '--resume', crashed], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('t000000015000ms.ckpt (t = 15 s)');
    expect(results(join(root, 'resumed'))).toEqual(results(join(root, 'plain')));
    // resumed in its own folder (the same command with --resume DIR): no --force needed there, the same results
    const inPlace = join(root, 'in-place');
    cpSync(join(root, 'saved'), inPlace, { recursive: true });
    for (const f of names.slice(3)) rmSync(join(inPlace, 'checkpoints', f));
    rmSync(join(inPlace, 'summary.json'));
    const again = run([...NET, '--out', inPlace, '--checkpoint-every', '5', '--resume', inPlace]);
    expect(again.status, again.stderr).toBe(0);
    expect(results(inPlace)).toEqual(results(join(root, 'plain')));
    // elsewhere, a folder holding files still needs --force
    expect(run([...NET, '--out', join(root, 'plain'), '--resume', inPlace]).stderr).toMatch(/already holds files .* give --force/);
  });

  it('refuses a checkpoint of another run, an engine that cannot save its state, and a folder without checkpoints', () => {
    const root = mkdtempSync(join(tmpdir(), 'calcitag-ckpt-'));
    expect(run([...NET, '--out', join(root, 'a'), '--checkpoint-every', '20']).status).toBe(0);
    const other = run([...NET.map((a) => (a === '3' ? '4' : a)), '--out', join(root, 'b'), '--resume', join(root, 'a')]);
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/cannot resume from this checkpoint: it belongs to another run: seed is 3 there, 4 here/);
    const bss2 = run([...NET, '--engine', 'bss2', '--out', join(root, 'c'), '--checkpoint-every', '5']);
    expect(bss2.status).toBe(2);
    expect(bss2.stderr).toContain("engine 'bss2' cannot save its state; allowed: --engine reference, --engine fast");
    const crossed = run([...NET, '--engine', 'fast', '--out', join(root, 'e'), '--resume', join(root, 'a')]);
    expect(crossed.status).not.toBe(0);
    expect(crossed.stderr).toContain('it belongs to another run: engine is reference there, fast here');
    const none = run([...NET, '--out', join(root, 'd'), '--resume', root]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no checkpoint there');
    expect(run([...NET, '--checkpoint-every', '0']).stderr).toContain("--checkpoint-every '0' is invalid");
    expect(run([...NET, '--checkpoint-every', '5', '--keep-checkpoints', '-1']).stderr).toContain("--keep-checkpoints '-1' is invalid");
    expect(run([...NET, '--out', join(root, 'f'), '--keep-checkpoints', '2']).stderr).toContain('--keep-checkpoints applies to the checkpoints --checkpoint-every saves');
    // by default the 3 latest are kept (each holds the whole run so far): of 7 (every 5 s) the last 3
    expect(readdirSync(join(root, 'a', 'checkpoints')).sort()).toEqual(['t000000020000ms.ckpt', 't000028810000ms.ckpt', 't000028820000ms.ckpt']);
    expect(run([...NET, '--out', join(root, 'g'), '--checkpoint-every', '5']).status).toBe(0);
    expect(readdirSync(join(root, 'g', 'checkpoints')).sort()).toEqual(['t000028810000ms.ckpt', 't000028815000ms.ckpt', 't000028820000ms.ckpt']);
  });

  it('the fast engine: saved on 2 threads, resumed on 1 or 2, the uninterrupted run\'s results bit for bit', () => {
    const root = mkdtempSync(join(tmpdir(), 'calcitag-ckpt-'));
    const FAST = [...NET, '--engine', 'fast'];
    const plain = run([...FAST, '--out', join(root, 'plain')]);
    expect(plain.status, plain.stderr).toBe(0);
    const saved = run([...FAST, '--workers', '2', '--out', join(root, 'saved'), '--checkpoint-every', '5', '--keep-checkpoints', '0']);
    expect(saved.status, saved.stderr).toBe(0);
    expect(results(join(root, 'saved'))).toEqual(results(join(root, 'plain')));
    const names = readdirSync(join(root, 'saved', 'checkpoints')).sort();
    expect(names.slice(0, 3)).toEqual(['t000000005000ms.ckpt', 't000000010000ms.ckpt', 't000000015000ms.ckpt']);
    const crashed = join(root, 'crashed');
    cpSync(join(root, 'saved', 'checkpoints'), crashed, { recursive: true });
    for (const f of names.slice(3)) rmSync(join(crashed, f));
    for (const workers of ['1', '2']) {
      const resumed = spawnSync(process.execPath, [CLI, ...FAST.filter((a) => a !== '--quiet'), '--workers', workers, '--out', join(root, `resumed${workers}`), '--resume', crashed], { encoding: 'utf8' });
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain('t000000015000ms.ckpt (t = 15 s)');
      expect(results(join(root, `resumed${workers}`))).toEqual(results(join(root, 'plain')));
    }
  });

  it('Ctrl-C or SIGTERM: saves where the run stands, exits 130/143, and the resumed run equals the uninterrupted one; a second signal stops at once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'calcitag-ckpt-'));
    // 400 neurons, 30 s simulated: long enough (seconds of wall) to be stopped in the middle
    const BIG = ['network', '--neurons-exc', '320', '--neurons-inh', '80', '--assembly', '30', '--engine', 'fast', '--seed', '5'];
    const plain = run([...BIG, '--quiet', '--out', join(root, 'plain')]);
    expect(plain.status, plain.stderr).toBe(0);
    const started = (dir: string, ...more: string[]) => {
      const c = spawn(process.execPath, [CLI, ...BIG, '--out', dir, '--checkpoint-every', '2', ...more], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      c.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
      const saved = () => (existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')).sort() : []);
      const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
      return { c, saved, exited, err: () => err };
    };
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 12_000 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
    };
    for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
      const dir = join(root, sig);
      const r = started(dir);
      await until(() => r.saved().length >= 2); // t = 4 s of 30 saved
      r.c.kill(sig);
      expect(await r.exited).toBe(code);
      const last = r.saved().at(-1)!;
      const t = Number(/t0*(\d+)ms/.exec(last)![1]) / 1000;
      expect(t).toBeGreaterThan(4); // saved where it stood, after the last periodic checkpoint
      expect(t).toBeLessThan(30);
      expect(r.err()).toContain(`calcitag: ${sig}: stopped at t = ${t} s, its state saved in ${join(dir, 'checkpoints')}; continue with the same command and --resume ${dir}`);
      expect(existsSync(join(dir, 'summary.json'))).toBe(false);
      const resumed = run([...BIG, '--quiet', '--out', dir, '--checkpoint-every', '2', '--resume', dir]);
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(results(dir)).toEqual(results(join(root, 'plain')));
    }
    // a second signal stops it at once: nothing saved beyond the periodic checkpoints. The run (the
    // supervisor's child) is paused first, so that it cannot reach its next simulated second between the two
    // (two signals sent together arrive as one)
    const dir = join(root, 'twice');
    const r = started(dir);
    await until(() => r.saved().length >= 1);
    const pid = r.c.pid!;
    const child = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    process.kill(child, 'SIGSTOP');
    r.c.kill('SIGTERM');
    await until(() => r.err().includes('a second signal stops it at once'));
    r.c.kill('SIGTERM');
    expect(await r.exited).toBe(137);
    expect(r.err()).toContain('calcitag: SIGTERM again: stopped at once');
    for (const f of r.saved()) expect(Number(/t0*(\d+)ms/.exec(f)![1]) % 2000).toBe(0);

    // the supervisor killed outright (SIGKILL): the run notices at its next simulated second and stops, saving
    const lost = join(root, 'orphan');
    const o = started(lost);
    await until(() => o.saved().length >= 2);
    const run2 = Number(readFileSync(`/proc/${o.c.pid}/task/${o.c.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    o.c.kill('SIGKILL');
    const gone = () => !existsSync(`/proc/${run2}`) || readFileSync(`/proc/${run2}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
    await until(gone);
    expect(gone()).toBe(true);
    const times = o.saved().map((f) => Number(/t0*(\d+)ms/.exec(f)![1]));
    expect(times.some((t) => t % 2000 !== 0)).toBe(true); // saved where it stood
  }, 300_000);
});
