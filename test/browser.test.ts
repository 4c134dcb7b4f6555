/**
 * The browser entry (`calcitag/browser`, src/browser.ts) stays browser-safe: nothing in its import
 * graph is a Node built-in (or any npm package: the numerical core has no dependency), the package
 * exports it, and the dashboard's simulation worker imports the library only through it.
 */
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, importSpecifiers } from './imports.js';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('browser entry', () => {
  const graph = importGraph(join(ROOT, 'src', 'browser.ts'));
  const rel = (f: string) => relative(ROOT, f);

  it('reaches the model, the engines and the ensembles', () => {
    const files = graph.files.map(rel);
    for (const f of ['src/model/equations.ts', 'src/engines/registry.ts', 'src/engines/exact/exactEngine.ts', 'src/engines/reference/referenceEngine.ts', 'src/engines/bss2/bss2Engine.ts', 'src/experiments/ensemble.ts']) {
      expect(files).toContain(f);
    }
  });

  it('imports no Node built-in and no npm package anywhere in its import graph', () => {
    const bad = graph.bare.map((b) => `${rel(b.from)} → ${b.spec}${b.spec.startsWith('node:') || NODE.has(b.spec) ? ' (Node built-in)' : ''}`);
    expect(bad).toEqual([]);
  });

  it('is what the package exports as calcitag/browser, and what the simulation worker uses', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    expect(pkg.exports['./browser']).toEqual({ types: './dist/src/browser.d.ts', default: './dist/src/browser.js' });
    const worker = importSpecifiers(readFileSync(join(ROOT, 'web', 'src', 'sim.worker.ts'), 'utf8')).filter((s) => s.includes('/src/'));
    expect(worker).toEqual(['../../src/browser.js']);
    const api = await import('../src/browser.js');
    expect(api.engineNames()).toEqual(expect.arrayContaining(['reference', 'exact', 'bss2']));
    expect(typeof api.runEnsemble).toBe('function');
  });
});
