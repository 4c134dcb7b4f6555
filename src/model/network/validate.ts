/**
 * Consistency checks of a network description: every issue as `path: message`, naming the value and
 * what is allowed, so an experiment file or a CLI flag can be refused with one clear line each.
 */
import type { NetworkDescription, NeuronRange } from './description.js';
import { NEURON_VARIABLES, SYNAPSE_VARIABLES } from './description.js';
import type { PopulationLayout } from './edges.js';

/** Hard limits that keep a run within the memory of a workstation (and typed-array lengths). */
export const LIMITS = { neurons: 1_000_000, edges: 50_000_000, duration_s: 1e7 } as const;

/** Populations laid out one after another in the global neuron index space. */
export function populationLayout(d: Pick<NetworkDescription, 'populations'>): PopulationLayout[] {
  let offset = 0;
  return d.populations.map((p) => {
    const l = { name: p.name, size: p.size, offset };
    offset += p.size;
    return l;
  });
}

/** A range resolved to global indices [from, to). */
export function resolveRange(layout: readonly PopulationLayout[], r: NeuronRange): { from: number; to: number } {
  const pop = layout.find((l) => l.name === r.population);
  if (!pop) throw new Error(`unknown population '${r.population}'; allowed: ${layout.map((l) => l.name).join(', ')}`);
  const from = r.from ?? 0;
  const to = r.to ?? pop.size;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to <= pop.size && from < to)) {
    throw new Error(`range [${from}, ${to}) of population '${r.population}' must satisfy 0 ≤ from < to ≤ ${pop.size}`);
  }
  return { from: pop.offset + from, to: pop.offset + to };
}

/** The largest in-degree a projection can have: its source population's size, less one without autapses onto itself. */
export function inDegreeMax(d: Pick<NetworkDescription, 'populations'>, source: string, target: string, autapses: boolean): number {
  const size = d.populations.find((p) => p.name === source)?.size ?? 0;
  return source === target && !autapses ? Math.max(0, size - 1) : size;
}

/** Every problem of the description; empty when it can run. */
export function descriptionIssues(d: NetworkDescription): string[] {
  const issues: string[] = [];
  const names = new Set<string>();
  let neurons = 0;
  d.populations.forEach((p, i) => {
    if (names.has(p.name)) issues.push(`populations[${i}].name: '${p.name}' is used twice`);
    names.add(p.name);
    if (!Number.isInteger(p.size) || p.size < 1) issues.push(`populations[${i}].size: must be a whole number ≥ 1 (got ${p.size})`);
    neurons += p.size;
  });
  if (d.populations.length === 0) issues.push('populations: at least one population is needed');
  if (neurons > LIMITS.neurons) issues.push(`populations: ${neurons} neurons in all; at most ${LIMITS.neurons} are allowed`);
  if (!(d.duration_s > 0 && d.duration_s <= LIMITS.duration_s)) issues.push(`duration_s: must be > 0 and ≤ ${LIMITS.duration_s} s (got ${d.duration_s})`);
  const layout = populationLayout(d);
  const range = (path: string, r: NeuronRange) => {
    try {
      resolveRange(layout, r);
    } catch (e) {
      issues.push(`${path}: ${(e as Error).message}`);
    }
  };
  const projections = new Set<string>();
  d.projections.forEach((pr, i) => {
    const at = `projections[${i}]`;
    if (projections.has(pr.name)) issues.push(`${at}.name: '${pr.name}' is used twice`);
    projections.add(pr.name);
    for (const end of ['source', 'target'] as const) {
      if (!names.has(pr[end])) issues.push(`${at}.${end}: unknown population '${pr[end]}'; allowed: ${[...names].join(', ')}`);
    }
    const c = pr.connectivity;
    if (c.rule === 'fixed-probability' && !(c.p >= 0 && c.p <= 1)) issues.push(`${at}.connectivity.p: must be in [0, 1] (got ${c.p})`);
    if (c.rule === 'fixed-in-degree') {
      const most = inDegreeMax(d, pr.source, pr.target, c.autapses === true);
      if (!(Number.isInteger(c.in_degree) && c.in_degree >= 0 && c.in_degree <= most)) {
        issues.push(`${at}.connectivity.in_degree: must be a whole number in [0, ${most}] (distinct sources in '${pr.source}'${pr.source === pr.target && c.autapses !== true ? ', itself excluded' : ''}; got ${c.in_degree})`);
      }
    }
    if (c.rule === 'one-to-one') {
      const s = d.populations.find((p) => p.name === pr.source)?.size;
      const t = d.populations.find((p) => p.name === pr.target)?.size;
      if (s !== undefined && t !== undefined && s !== t) issues.push(`${at}.connectivity: one-to-one needs equal sizes (${pr.source} ${s}, ${pr.target} ${t})`);
    }
    if (!pr.plastic && !(typeof pr.weight_mV === 'number' && Number.isFinite(pr.weight_mV))) {
      issues.push(`${at}.weight_mV: a static projection needs a finite weight in mV (got ${pr.weight_mV})`);
    }
    if (pr.plastic && d.populations.find((p) => p.name === pr.source)?.inhibitory) {
      issues.push(`${at}.plastic: the STC synapse is excitatory; '${pr.source}' is inhibitory`);
    }
    const sizes = [pr.source, pr.target].map((n) => d.populations.find((p) => p.name === n)?.size ?? 0);
    const expected = c.rule === 'all-to-all' ? sizes[0]! * sizes[1]! : c.rule === 'fixed-probability' ? c.p * sizes[0]! * sizes[1]!
      : c.rule === 'fixed-in-degree' ? c.in_degree * sizes[1]! : c.rule === 'one-to-one' ? sizes[0]! : c.edges.source.length;
    if (expected > LIMITS.edges) issues.push(`${at}.connectivity: about ${expected.toExponential(2)} edges; at most ${LIMITS.edges} per projection are allowed`);
    if (pr.delay_ms !== undefined && !(pr.delay_ms >= 0 && pr.delay_ms <= 1000)) issues.push(`${at}.delay_ms: must be in [0, 1000] ms (got ${pr.delay_ms})`);
  });
  d.stimuli.forEach((s, i) => {
    const at = `stimuli[${i}]`;
    range(`${at}.target`, s.target);
    if (s.kind === 'ou-current') {
      if (!(s.tau_ms > 0)) issues.push(`${at}.tau_ms: must be > 0 ms (got ${s.tau_ms})`);
      if (!(s.sd_nA >= 0)) issues.push(`${at}.sd_nA: must be ≥ 0 nA (got ${s.sd_nA})`);
      if (!Number.isFinite(s.mean_nA)) issues.push(`${at}.mean_nA: must be a finite current in nA (got ${s.mean_nA})`);
      s.windows.forEach((w, k) => {
        if (!(w.onset_s >= 0 && w.duration_s > 0)) issues.push(`${at}.windows[${k}]: onset_s must be ≥ 0 and duration_s > 0 (got ${w.onset_s}, ${w.duration_s})`);
        if ((w.count ?? 1) > 1 && !((w.period_s ?? 0) >= w.duration_s)) issues.push(`${at}.windows[${k}].period_s: must be ≥ duration_s when count > 1`);
      });
    } else {
      s.trains.forEach((tr, k) => {
        if (!(tr.rate_Hz > 0 && tr.duration_s > 0 && tr.onset_s >= 0)) issues.push(`${at}.trains[${k}]: onset_s ≥ 0, duration_s > 0 and rate_Hz > 0 are required`);
      });
    }
  });
  d.probes.forEach((p, i) => {
    const at = `probes[${i}]`;
    if (!(p.interval_s > 0)) issues.push(`${at}.interval_s: must be > 0 s (got ${p.interval_s})`);
    if (p.kind === 'neurons') {
      range(`${at}.target`, p.target);
      for (const v of p.variables) if (!(NEURON_VARIABLES as readonly string[]).includes(v)) issues.push(`${at}.variables: '${v}' is not a neuron variable; allowed: ${NEURON_VARIABLES.join(', ')}`);
    } else {
      const pr = d.projections.find((x) => x.name === p.target.projection);
      if (!pr) issues.push(`${at}.target.projection: unknown projection '${p.target.projection}'`);
      else if (!pr.plastic) issues.push(`${at}.target.projection: '${pr.name}' is static; synapse probes need a plastic projection`);
      if (p.target.sources) range(`${at}.target.sources`, p.target.sources);
      if (p.target.targets) range(`${at}.target.targets`, p.target.targets);
      for (const v of p.variables) if (v !== 'p' && !(SYNAPSE_VARIABLES as readonly string[]).includes(v)) issues.push(`${at}.variables: '${v}' is not a synapse variable; allowed: ${SYNAPSE_VARIABLES.join(', ')}, p`);
    }
  });
  return issues;
}
