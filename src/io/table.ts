/** The readable results table printed by `calcitag run`. */
import { nonDefaultOptions } from '../engines/options.js';
import { getEngine } from '../engines/registry.js';
import type { EnsembleSummary } from '../experiments/ensemble.js';
import type { RunConfig } from '../experiments/protocolRun.js';

const pm = (m: { mean: number; sd: number } | undefined, digits = 3) =>
  m ? `${m.mean.toFixed(digits)} ± ${m.sd.toFixed(digits)}` : '–';

/** How the engine integrates: dt and fast-forward matter only to fixed-step engines. */
function integrationNote(cfg: RunConfig): string {
  const engine = getEngine(cfg.engine);
  if (engine.integration === 'fixed-step') return `dt ${cfg.dt_ms} ms, fast-forward ${cfg.fast_forward ? 'on' : 'off'}`;
  if (engine.integration === 'event-driven') return 'event-driven, no time step';
  const changed = nonDefaultOptions(engine, cfg.engine_options);
  return Object.keys(changed).length > 0 ? `options ${JSON.stringify(changed)}` : 'default options';
}

export function resultsTable(cfg: RunConfig, results: readonly EnsembleSummary[]): string {
  const header = ['protocol', 'trials', 'w/h0 @2h', 'w/h0 @8h', 'z @8h', 'class (count)', 'expected', 'tagged', 's/trial'];
  const rows = results.map((r) => {
    const expected = cfg.protocols.find((p) => p.name === r.protocol)?.expected ?? '–';
    const counts = Object.entries(r.classes).map(([k, v]) => `${k} ${v}`).join(', ');
    return [
      r.protocol, String(r.trials), pm(r.w_rel['2h']), pm(r.w_rel['8h']), pm(r.z['8h']),
      `${r.class} (${counts})`, expected + (expected === r.class ? ' ✓' : expected === '–' ? '' : ' ✗'),
      `${r.tagged}/${r.trials}`, (r.wall_ms / 1000 / Math.max(1, r.trials)).toFixed(3),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [
    `calcitag ${cfg.version} — engine ${cfg.engine}, seed ${cfg.seed}, ${integrationNote(cfg)}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
