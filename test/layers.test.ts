/**
 * The layers depend one way (shared DESIGN.md): model → engines → experiments → io → cli / web.
 * Reads the import lines of every source file (tests excluded: a test may reach across layers to set up
 * its case) and fails on an import that points up or sideways:
 *   - src/model, src/engines, src/experiments never import src/io, src/cli or src/web (sinks such as
 *     io's run folder are passed in from above);
 *   - src/engines never imports src/experiments;
 *   - src/model imports nothing outside src/model, except src/random: the counter-based streams keyed by
 *     (seed, entity, purpose), a leaf that itself imports nothing (connectivity rules are drawn from it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers } from './imports.js';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

interface Edge {
  /** The importing file, relative to src/ ('/'-separated). */
  readonly from: string;
  /** What it imports: a path relative to src/ for a relative specifier, else the bare specifier (`yaml`, `node:fs`). */
  readonly to: string;
  readonly relative: boolean;
}

/** The top-level folder (or file) under src/ of a src-relative path: `experiments/ensemble.js` → `experiments`. */
const layerOf = (srcPath: string) => srcPath.split('/')[0]!;

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const f of sourceFiles(SRC)) {
    const from = relative(SRC, f).split(sep).join('/');
    for (const spec of importSpecifiers(readFileSync(f, 'utf8'))) {
      const rel = spec.startsWith('.');
      out.push({ from, to: rel ? relative(SRC, resolve(dirname(f), spec)).split(sep).join('/') : spec, relative: rel });
    }
  }
  return out;
}

const show = (es: readonly Edge[]) => es.map((e) => `${e.from} → ${e.to}`);

describe('one-way layers', () => {
  const all = edges();
  const inLayer = (e: Edge, ...layers: string[]) => e.relative && layers.includes(layerOf(e.to));

  it('reads the import lines it is meant to check', () => {
    expect(importSpecifiers(`import a from './a.js';\nimport type {\n  B,\n} from "../b.js";\nexport * from './c.js';\nimport './d.js';\nconst e = await import('./e.js');\n// import x from './commented.js';`))
      .toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js']);
    expect(all.some((e) => e.from === 'experiments/experimentRun.ts' && e.to === 'experiments/ensemble.js')).toBe(true);
    expect(all.some((e) => e.from === 'io/experimentOutput.ts' && inLayer(e, 'experiments'))).toBe(true);
    expect(all.some((e) => e.from === 'io/files.ts' && e.to === 'node:fs')).toBe(true);
  });

  it('model, engines and experiments never import io, cli or web', () => {
    const bad = all.filter((e) => ['model', 'engines', 'experiments'].includes(layerOf(e.from)) && inLayer(e, 'io', 'cli', 'web'));
    expect(show(bad)).toEqual([]);
  });

  it('engines never import experiments', () => {
    expect(show(all.filter((e) => layerOf(e.from) === 'engines' && inLayer(e, 'experiments')))).toEqual([]);
  });

  it('model imports nothing outside src/model but the leaf src/random (no package, no Node built-in)', () => {
    expect(show(all.filter((e) => layerOf(e.from) === 'model' && !inLayer(e, 'model', 'random')))).toEqual([]);
    expect(show(all.filter((e) => layerOf(e.from) === 'random' && !inLayer(e, 'random')))).toEqual([]);
  });
});
