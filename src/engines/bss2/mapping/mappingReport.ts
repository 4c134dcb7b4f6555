/** The mapper's verdict as one JSON object (snake_case, units in the names) and as lines for a terminal. */
import type { MappingReport } from './mapper.js';

export function mappingJson(r: MappingReport): Record<string, unknown> {
  const sum = (k: 'rows' | 'labels' | 'drivers' | 'synapses' | 'plasticSynapses') => r.hemispheres.reduce((s, h) => s + h[k], 0);
  return {
    feasible: r.feasible,
    chips: r.chips,
    chips_needed: r.chipsNeeded,
    violations: r.violations.map((v) => ({ constraint: v.constraint, needed: v.needed, available: v.available, ...(v.where ? { where: v.where } : {}) })),
    neurons: r.neurons,
    external_sources: r.externalSources,
    circuits_needed: r.circuitsNeeded,
    circuits_available: r.circuitsAvailable,
    rows_used: sum('rows'),
    labels_used: sum('labels'),
    drivers_used: sum('drivers'),
    synapses: sum('synapses'),
    plastic_synapses: sum('plasticSynapses'),
    ppu_memory_bytes: r.ppuMemory.total,
    ppu_memory: r.ppuMemory,
    cycles_per_update: r.cyclesPerUpdate,
    min_period_ms: r.minPeriod_ms,
    period_ms: r.period_ms,
    hardware_s: r.hardware_s,
    interchip_spikes_per_source_spike: r.interchipPairs,
    ...(r.rate_Hz !== undefined ? { rate_Hz: r.rate_Hz, interchip_events_per_s_hardware: r.interchipPairs * r.rate_Hz * r.resources.acceleration } : {}),
    solver: r.solver,
    resources: r.resources,
    hemispheres: r.hemispheres.map((h) => ({
      chip: h.chip, hemisphere: h.hemisphere, neurons: h.neurons, circuits: h.circuitsUsed, rows: h.rows, exc_rows: h.excRows, inh_rows: h.inhRows,
      plastic_rows: h.plasticRows, labels: h.labels, drivers: h.drivers, synapses: h.synapses, plastic_synapses: h.plasticSynapses,
      memory_bytes: h.budget.memory, memory_available: h.budget.memoryAvailable,
      memory_internal: h.budget.internalBytes, memory_sram: h.budget.sramBytes, memory_dram: h.budget.dramBytes,
      cycles_per_update: h.budget.cyclesPerUpdate, min_period_ms: h.budget.minPeriod_ms,
    })),
  };
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

export function mappingText(r: MappingReport): string {
  const lines: string[] = [];
  lines.push(`${r.feasible ? 'FITS' : 'DOES NOT FIT'} on ${r.chips} chip(s)${r.chipsNeeded !== null && r.chipsNeeded !== r.chips ? `; fits on ${r.chipsNeeded}` : ''}`);
  for (const v of r.violations) {
    const n = Number.isInteger(v.needed) ? String(v.needed) : v.needed.toFixed(2);
    const a = Number.isInteger(v.available) ? String(v.available) : v.available.toFixed(2);
    lines.push(`  ${v.constraint}: needs ${n}, has ${a}${v.where ? ` (${v.where})` : ''}`);
  }
  lines.push(`neurons ${r.neurons} on ${r.circuitsNeeded} of ${r.circuitsAvailable} circuits; ${r.externalSources} FPGA spike sources`);
  if (r.hemispheres.length > 0) {
    lines.push('chip hemi  neurons circuits  rows (exc/inh, plastic)  labels drivers  plastic syn   state (h+z+protein)  cycles/update');
    for (const h of r.hemispheres) {
      lines.push(`${String(h.chip).padStart(4)} ${String(h.hemisphere).padStart(4)}  ${String(h.neurons).padStart(7)} ${String(h.circuitsUsed).padStart(8)}  ${`${h.rows} (${h.excRows}/${h.inhRows}, ${h.plasticRows})`.padEnd(23)} ${String(h.labels).padStart(7)} ${String(h.drivers).padStart(7)}  ${String(h.plasticSynapses).padStart(11)}   ${kib(h.budget.memory.total).padStart(10)} of ${kib(h.budget.memoryAvailable).padEnd(9)} ${String(h.budget.cyclesPerUpdate).padStart(10)}`);
    }
  }
  lines.push(`state per processor (largest): h ${r.ppuMemory.h} B, z ${r.ppuMemory.z} B, tag ${r.ppuMemory.tag} B (recomputed from h), protein ${r.ppuMemory.protein} B; ${r.solver.format}, ${r.solver.rounding} rounding`);
  lines.push(`one plasticity update: ${r.cyclesPerUpdate} cycles on the busiest processor → shortest solver period ${r.minPeriod_ms.toFixed(2)} ms (biological); a run uses ${r.period_ms.toFixed(1)} ms`);
  lines.push(`hardware time of the run: ${r.hardware_s.toFixed(3)} s at ${r.resources.acceleration}× acceleration`);
  if (r.chips > 1) {
    const perSpike = r.interchipPairs / Math.max(1, r.neurons);
    const rate = r.rate_Hz !== undefined
      ? ` — at ${r.rate_Hz} Hz: ${((r.interchipPairs * r.rate_Hz * r.resources.acceleration) / 1e6).toFixed(2)} M events/s of hardware time in all, ${((r.interchipPairs * r.rate_Hz * r.resources.acceleration) / r.chips / 1e6).toFixed(2)} M per chip`
      : ' (--rate gives events per second)';
    lines.push(`inter-chip traffic: a spike goes to ${perSpike.toFixed(2)} other chips on average (${r.interchipPairs} crossings when every neuron spikes once)${rate}; latency < ${(r.resources.linkLatency_s * r.resources.acceleration * 1e3).toFixed(1)} ms biological`);
  }
  return lines.join('\n');
}
