/**
 * What the dashboard server refuses (issue 11, "Dashboard"): symbolic links that lead out of a run
 * folder or out of the runs folder, Host headers of other names (DNS rebinding), malformed percent
 * escapes (400, not 500), and a loud warning when it listens beyond loopback. Also: the hardware page's
 * figure list finds the study figure docs/figures ships.
 */
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/web/server.js';
import { hostAllowed } from '../src/web/routes.js';
import { HW_STUDY } from '../src/web/catalog.js';

let dir: string;
let server: RunningServer;
const SECRET = 'root:x:0:0:secret-content';

/** A GET with a raw path and any Host header (fetch would normalise both). */
function raw(path: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveP, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET', headers: host === undefined ? {} : { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolveP({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const get = (path: string) => raw(path, `127.0.0.1:${server.port}`);

function fakeRun(path: string): void {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'config.json'), JSON.stringify({ engine: 'reference', params: {}, protocols: [] }));
  writeFileSync(join(path, 'summary.json'), JSON.stringify({ engine: 'reference', seed: 1, trials: 1, results: [] }));
  writeFileSync(join(path, 'log.txt'), 'ok\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calcitag-sec-'));
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'passwd.txt'), SECRET);
  writeFileSync(join(outside, 'other.json'), JSON.stringify({ secret: SECRET }));
  fakeRun(join(outside, 'elsewhere-run'));
  const runs = join(dir, 'runs');
  fakeRun(join(runs, 'evil'));
  symlinkSync(join(outside, 'passwd.txt'), join(runs, 'evil', 'evil.txt'));
  symlinkSync(join(runs, 'evil', 'log.txt'), join(runs, 'evil', 'inside.txt')); // stays inside: fine
  mkdirSync(join(runs, 'evil', 'npy'));
  symlinkSync(join(outside, 'passwd.txt'), join(runs, 'evil', 'npy', 'p_STET_t_s.npy'));
  fakeRun(join(runs, 'linked-summary'));
  rmSync(join(runs, 'linked-summary', 'summary.json'));
  rmSync(join(runs, 'linked-summary', 'config.json'));
  symlinkSync(join(outside, 'other.json'), join(runs, 'linked-summary', 'summary.json'));
  symlinkSync(join(outside, 'other.json'), join(runs, 'linked-summary', 'config.json'));
  symlinkSync(join(outside, 'elsewhere-run'), join(runs, 'linked-run'));
  // a network run whose spike log is a link out
  mkdirSync(join(runs, 'net'));
  writeFileSync(join(runs, 'net', 'summary.json'), JSON.stringify({ kind: 'network' }));
  symlinkSync(join(outside, 'passwd.txt'), join(runs, 'net', 'spikes.csv'));
  server = await startServer({ root: runs, port: 0, webDir: null, figureDirs: [] });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard: symbolic links', () => {
  it('refuses a run file that links outside the run folder (403), and does not list it', async () => {
    const r = await get('/api/runs/evil/files/evil.txt');
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('secret-content');
    expect(r.body).toMatch(/link leading outside/);
    const detail = JSON.parse((await get('/api/runs/evil')).body);
    expect(detail.files).not.toContain('evil.txt');
    expect(detail.files).toContain('inside.txt');
    expect((await get('/api/runs/evil/files/inside.txt')).status).toBe(200);
  });

  it('leaves a probe recording that links out of the run folder out of the probe list', async () => {
    const r = await get('/api/runs/evil/probes');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).probes).toEqual([]);
  });

  it('does not read summary.json or config.json through a link out of the folder', async () => {
    const list = await get('/api/runs');
    expect(list.body).not.toContain('secret-content');
    const s = await get('/api/runs/linked-summary/summary');
    expect(s.status).toBe(403);
    expect(s.body).not.toContain('secret-content');
    const d = await get('/api/runs/linked-summary');
    expect(d.body).not.toContain('secret-content');
    expect((await get('/api/runs/linked-summary/config')).body).not.toContain('secret-content');
  });

  it('refuses a run folder that is a link out of the runs folder', async () => {
    const r = await get('/api/runs/linked-run');
    expect(r.status).toBe(403);
    expect((await get('/api/runs/linked-run/files/log.txt')).status).toBe(403);
    expect(JSON.parse((await get('/api/runs')).body).runs.map((x: { id: string }) => x.id)).not.toContain('linked-run');
  });

  it("refuses a network run's data file that links out", async () => {
    const r = await get('/api/runs/net/network/spikes?format=json');
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body).not.toContain('secret-content');
  });
});

describe('dashboard: bad requests', () => {
  it.each(['/api/runs/%E0%A4%A', '/api/runs/evil/files/%zz.txt', '/%', '/assets/%E2%82.js', '/api/%'])('answers 400 (not 500) for the malformed escape %s', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toMatch(/malformed/);
  });
});

describe('dashboard: Host header (DNS rebinding)', () => {
  it('refuses a request whose Host names another site (421)', async () => {
    const r = await raw('/api/runs', 'evil.example:5178');
    expect(r.status).toBe(421);
    expect(r.body).not.toContain('"runs"');
    expect((await raw('/api/health', 'attacker.localhost.evil.example')).status).toBe(421);
  });

  it('answers localhost, IP addresses and allowed names', async () => {
    expect((await raw('/api/health', `localhost:${server.port}`)).status).toBe(200);
    expect((await raw('/api/health', `127.0.0.1:${server.port}`)).status).toBe(200);
    expect((await raw('/api/health', `[::1]:${server.port}`)).status).toBe(200);
    expect((await raw('/api/health', `192.168.1.20:${server.port}`)).status).toBe(200);
  });

  it('hostAllowed: IP literals, localhost, the bound host, allowedHosts', () => {
    expect(hostAllowed('evil.example', {})).toBe(false);
    expect(hostAllowed('LOCALHOST:80', {})).toBe(true);
    expect(hostAllowed('app.localhost', {})).toBe(true);
    expect(hostAllowed('labbox.example:5178', { allowedHosts: ['labbox.example'] })).toBe(true);
    expect(hostAllowed('labbox.example:5178', { host: 'labbox.example' })).toBe(true);
    expect(hostAllowed('10.0.0.1', {})).toBe(true);
    expect(hostAllowed('[fe80::1]:8', {})).toBe(true);
    expect(hostAllowed('a b', {})).toBe(false);
  });
});

describe('dashboard: listening beyond loopback', () => {
  it('warns (and says who can read what) when bound to 0.0.0.0, not on loopback', async () => {
    const open = await startServer({ root: join(dir, 'runs'), port: 0, host: '0.0.0.0', webDir: null, figureDirs: [], quiet: true });
    try {
      expect(open.warning).toMatch(/^WARNING: --host 0\.0\.0\.0 exposes the dashboard/);
      expect(open.warning).toContain(join(dir, 'runs'));
      expect(open.warning).toContain('SECURITY.md');
      for (const u of open.networkUrls) expect(open.warning).toContain(u);
    } finally {
      await open.close();
    }
    expect(server.warning).toBeUndefined();
    expect(server.networkUrls).toEqual([]);
  });
});

describe('dashboard: hardware page', () => {
  it('recognises the study figure docs/figures ships (bss2_accuracy_vs_period) and the hw-study names', () => {
    for (const f of ['bss2_accuracy_vs_period.svg', 'accuracy_vs_period.png', 'hw-study.svg', 'hw_study_rounding.png']) expect(HW_STUDY.test(f)).toBe(true);
    for (const f of ['network_raster.png', 'bss2_accuracy_vs_period.vl.json', 'figure_STET.svg']) expect(HW_STUDY.test(f)).toBe(false);
  });

  it("lists docs/figures' study figure once (SVG over PNG)", async () => {
    const s = await startServer({ root: join(dir, 'runs'), port: 0, webDir: null, figureDirs: [join(import.meta.dirname, '..', 'docs', 'figures')] });
    try {
      const r = await fetch(new URL('/api/figures', s.url));
      const { figures } = (await r.json()) as { figures: Array<{ file: string; url: string }> };
      expect(figures.map((f) => f.file)).toEqual(['bss2_accuracy_vs_period.svg']);
      expect((await fetch(new URL(figures[0]!.url, s.url))).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('calcitag serve: --allow-host and the addresses it prints', () => {
  const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');

  it('answers an allowed name, refuses others (421), and prints the network addresses when bound beyond loopback', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'serve', join(dir, 'runs'), '--port', '0', '--host', '0.0.0.0', '--allow-host', 'labbox.example,alias.lab'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (b: Buffer) => void (err += b.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line:\n${out}\n${err}`)), 30_000);
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          if (/also answering/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(err).toMatch(/WARNING: --host 0\.0\.0\.0 exposes the dashboard/);
      expect(out).toMatch(/also answering to the names: labbox\.example, alias\.lab/);
      const port = Number(/127\.0\.0\.1:(\d+)\//.exec(out)![1]);
      const status = (host: string) => new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/health', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
      expect(await status(`labbox.example:${port}`)).toBe(200);
      expect(await status(`alias.lab:${port}`)).toBe(200);
      expect(await status(`evil.example:${port}`)).toBe(421);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('refuses a malformed --allow-host with one line, exit 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [CLI, 'serve', join(dir, 'runs'), '--allow-host', 'http://evil:80'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--allow-host 'http:\/\/evil:80' is invalid/);
  });
});
