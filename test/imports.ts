/** Reading a TypeScript file's imports, for the tests that check the layers and the browser entry. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Every module specifier a TypeScript file imports or re-exports (static, side-effect and dynamic). */
export function importSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from '…', export { y } from '…'
    /\bimport\s*['"]([^'"]+)['"]/g, // import '…'
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…')
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/**
 * The import graph from `entry`: every source file reached through relative imports (`./x.js` is read
 * as `./x.ts`), and every bare specifier (`node:fs`, `yaml`) with the file that imports it.
 */
export function importGraph(entry: string): { files: string[]; bare: Array<{ from: string; spec: string }> } {
  const files: string[] = [];
  const bare: Array<{ from: string; spec: string }> = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push(file);
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        bare.push({ from: file, spec });
        continue;
      }
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (!existsSync(target)) throw new Error(`${file}: cannot resolve '${spec}'`);
      visit(target);
    }
  };
  visit(resolve(entry));
  return { files, bare };
}
