import { describe, expect, it } from 'vitest';
import type { NetworkDescription } from '../../model/network/description.js';
import { singleSynapseDescription, asSingleSynapse } from '../../model/network/singleSynapse.js';
import { resolveParams } from '../../model/parameters.js';
import { PRESET_PROTOCOLS, type Protocol } from '../../model/protocols.js';
import { runSingleSynapse, whyEngineCannotRun } from '../capabilities.js';
import { getEngine } from '../registry.js';
import { runReferenceTrial } from './referenceEngine.js';
import { runReferenceNetwork } from './networkEngine.js';

/** A 100 Hz tetanus of `n` spikes from t0, as explicit times (no randomness). */
const tetanus = (t0: number, n: number) => Array.from({ length: n }, (_, i) => t0 + i * 0.01);

const noiseFree = resolveParams({ sigma_pl: 0 });
const protocol: Protocol = { name: 'tet', description: 'explicit 100 Hz tetanus', trains: [], spikeTimes_s: tetanus(1, 100), duration_s: 40 };

describe('single synapse as a two-neuron description', () => {
  it('round-trips every preset protocol, and the description runs bit-identically to the single-synapse trial', () => {
    const P = resolveParams({});
    for (const name of ['STET', 'WTET', 'SLFS', 'WLFS'] as const) {
      const d = singleSynapseDescription(PRESET_PROTOCOLS[name], P);
      const back = asSingleSynapse(d);
      expect('protocol' in back && back.protocol.trains).toEqual(PRESET_PROTOCOLS[name].trains);
    }
    const spec = { params: P, seed: 5, trial: 2, dt_ms: 0.2, fastForward: true, sampleInterval_s: 60, recordCalcium: false };
    const direct = runReferenceTrial({ ...spec, protocol: PRESET_PROTOCOLS.WTET });
    const viaDescription = asSingleSynapse(singleSynapseDescription(PRESET_PROTOCOLS.WTET, P));
    if (!('protocol' in viaDescription)) throw new Error(viaDescription.reason);
    const again = runReferenceTrial({ ...spec, protocol: viaDescription.protocol, params: viaDescription.params });
    expect(Array.from(again.h_mV)).toEqual(Array.from(direct.h_mV));
    expect(Array.from(again.z)).toEqual(Array.from(direct.z));
  });

  it('the four protocols as two-neuron descriptions give every engine\'s numbers bit for bit', () => {
    const P = resolveParams({});
    const settings = { seed: 11, trial: 3, dt_ms: 0.2, fastForward: true, sampleInterval_s: 600, recordCalcium: false };
    for (const engine of ['reference', 'exact', 'bss2']) {
      for (const name of ['STET', 'WTET', 'SLFS', 'WLFS'] as const) {
        const e = getEngine(engine);
        const direct = e.runTrial({ ...settings, params: P, protocol: PRESET_PROTOCOLS[name] });
        const described = runSingleSynapse(e, singleSynapseDescription(PRESET_PROTOCOLS[name], P), settings);
        expect(Array.from(described.h_mV), `${engine} ${name}`).toEqual(Array.from(direct.h_mV));
        expect(Array.from(described.z)).toEqual(Array.from(direct.z));
        expect(Array.from(described.p)).toEqual(Array.from(direct.p));
        expect(described.outcome).toBe(direct.outcome);
        expect(described.postSpikes).toBe(direct.postSpikes);
      }
    }
  });

  it('the network loop reproduces the single-synapse loop step for step on a noise-free tetanus', () => {
    const single = runReferenceTrial({ params: noiseFree, protocol, seed: 1, trial: 0, dt_ms: 0.2, fastForward: true, sampleInterval_s: 1, recordCalcium: false });
    const d: NetworkDescription = {
      ...singleSynapseDescription(protocol, noiseFree),
      probes: [{ name: 'syn', kind: 'synapses', target: { projection: 'synapse' }, variables: ['h', 'z', 'p'], interval_s: 1 }],
    };
    const net = runReferenceNetwork({ description: d, seed: 1, trial: 0, dt_ms: 0.2, fastForward: true });
    const probe = net.probes[0]!;
    // Same grid (t = 0, 1, … s) until fast-forward, then the end of each fast-forward step: compare
    // at every common time. The two loops do the same arithmetic in the same order: equal bit for bit.
    let compared = 0;
    probe.t_s.forEach((t, i) => {
      const k = Array.from(single.t_s).findIndex((x) => Math.abs(x - t) < 1e-9);
      if (k < 0) return;
      compared++;
      expect(probe.values.h![i]).toBe(single.h_mV[k]!);
      expect(probe.values.z![i]).toBe(single.z[k]!);
      expect(probe.values.p![i]).toBe(single.p[k]!);
    });
    expect(compared).toBe(14);
    expect(net.spikes.neuron.filter((n) => n === 1).length).toBe(single.postSpikes);
    expect(net.spikes.neuron.filter((n) => n === 0).length).toBe(100);
    expect(single.outcome).toBe('late-LTP');
    expect(Math.sign(net.maxDev_mV)).toBe(1);
  });
});

describe('three neurons: two inputs onto one neuron', () => {
  const d: NetworkDescription = {
    name: 'three', params: noiseFree, duration_s: 20,
    // A constant 1.05 nA makes the target fire regularly (R·I = 10.5 mV above rest, threshold at 10 mV).
    populations: [{ name: 'in', size: 2 }, { name: 'out', size: 1, neuron: { i_0: 1.05 } }],
    projections: [{ name: 'syn', source: 'in', target: 'out', connectivity: { rule: 'all-to-all' }, plastic: true }],
    stimuli: [{ kind: 'spike-trains', name: 'tetanus', target: { population: 'in', from: 0, to: 1 }, trains: [], spikeTimes_s: tetanus(1, 100) }],
    probes: [
      { name: 'syn', kind: 'synapses', target: { projection: 'syn' }, variables: ['c', 'h', 'z', 'p'], interval_s: 0.0002, from_s: 0.9, to_s: 3 },
      { name: 'out', kind: 'neurons', target: { population: 'out' }, variables: ['p'], interval_s: 1 },
    ],
  };
  const r = runReferenceNetwork({ description: d, seed: 3, trial: 0, dt_ms: 0.2, fastForward: true });
  const syn = r.probes[0]!;
  const post = Array.from(r.spikes.t_s.filter((_, k) => r.spikes.neuron[k] === 2));

  it('the silent input\'s calcium is the sum of the postsynaptic jumps, decayed exactly', () => {
    const P = noiseFree;
    expect(post.length).toBeGreaterThan(5);
    for (let k = 0; k < syn.t_s.length; k += 97) {
      const t = syn.t_s[k]!;
      let c = 0;
      for (const tp of post) if (tp <= t + 1e-9) c += P.c_post * Math.exp(-(t - tp) / (P.tau_c * 1e-3));
      expect(syn.values.c![k * 2 + 1]).toBeCloseTo(c, 9);
    }
  });

  it('the driven synapse follows the two-neuron run; both share the target\'s protein', () => {
    const base = singleSynapseDescription({ name: 'tet', description: '', trains: [], spikeTimes_s: tetanus(1, 100), duration_s: 20 }, noiseFree);
    const two = runReferenceNetwork({
      description: {
        ...base,
        populations: [base.populations[0]!, { ...base.populations[1]!, neuron: { i_0: 1.05 } }],
        probes: [{ name: 's', kind: 'synapses', target: { projection: 'synapse' }, variables: ['h'], interval_s: 0.0002, from_s: 0.9, to_s: 3 }],
      },
      seed: 3, trial: 0, dt_ms: 0.2, fastForward: true,
    });
    const h2 = two.probes[0]!.values.h!;
    // The silent input's PSPs are zero, so the target spikes at the same steps: h of the driven synapse
    // is the two-neuron run's. The silent synapse moves only if postsynaptic calcium crosses θ_d.
    for (let k = 0; k < syn.t_s.length; k += 101) expect(syn.values.h![k * 2]).toBe(h2[k]!);
    const last = syn.t_s.length - 1;
    expect(syn.values.p![last * 2]).toBe(syn.values.p![last * 2 + 1]);
    // Protein synthesis ran while Σ|h − h0| ≥ θ_pro: p = 1 − e^{−T/τ_p} for a synthesis time T < 20 s.
    const pEnd = r.probes[1]!.values.p!;
    expect(pEnd[pEnd.length - 1]).toBeGreaterThan(0);
    expect(pEnd[pEnd.length - 1]).toBeLessThan(1 - Math.exp(-20 / noiseFree.tau_p));
  });
});

describe('engines say what they cannot run', () => {
  it('exact runs only the two-neuron description (bss2 a single synapse without background noise, or a network that fits one chip); the reference engine runs any', () => {
    const net: NetworkDescription = {
      name: 'two-pop', params: resolveParams({}), duration_s: 1,
      populations: [{ name: 'a', size: 3 }, { name: 'b', size: 2 }],
      projections: [{ name: 'ab', source: 'a', target: 'b', connectivity: { rule: 'all-to-all' }, plastic: true }],
      stimuli: [], probes: [],
    };
    expect(whyEngineCannotRun(getEngine('reference'), net)).toBeUndefined();
    expect(whyEngineCannotRun(getEngine('exact'), net)).toMatch(/engine 'exact' runs one plastic synapse .*2 populations of 3 \+ 2 neurons/);
    const single = singleSynapseDescription(PRESET_PROTOCOLS.STET, resolveParams({ sigma_wn: 0.05, i_0: 0.15 }));
    expect(whyEngineCannotRun(getEngine('exact'), single)).toMatch(/OU background/);
    expect(whyEngineCannotRun(getEngine('bss2'), single)).toMatch(/no background noise source/);
    expect(whyEngineCannotRun(getEngine('exact'), singleSynapseDescription(PRESET_PROTOCOLS.STET, resolveParams({})))).toBeUndefined();
  });
});
