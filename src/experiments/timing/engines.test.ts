import { describe, expect, it } from 'vitest';
import { runSingleSynapse } from '../../engines/capabilities.js';
import { getEngine } from '../../engines/registry.js';
import { runReferenceNetwork } from '../../engines/reference/networkEngine.js';
import { stepCoefficients } from '../../engines/reference/detailedLoop.js';
import { delaySteps } from '../../model/equations.js';
import { asSingleSynapse, singleSynapseDescription } from '../../model/network/singleSynapse.js';
import { resolveParams, toSeconds, type ModelParams } from '../../model/parameters.js';
import type { Protocol } from '../../model/protocols.js';
import { predictPairing } from '../../model/timing/closedForm.js';
import { pairingProtocol, type PairingSpec } from '../../model/timing/pairing.js';

const P = resolveParams();
const noiseFree = resolveParams({ sigma_pl: 0 });
/** Short pairing runs: last spike at 9 s, read out at 10 s (grid of 1 s), 12 s simulated. */
const short = (spec: PairingSpec): Protocol => pairingProtocol(spec, 9, 12);
const READ = 10;

function trial(engine: string, protocol: Protocol, params: ModelParams, t: number, engineOptions?: Record<string, unknown>) {
  return getEngine(engine).runTrial({ params, protocol, seed: 3, trial: t, dt_ms: 0.2, fastForward: true, sampleInterval_s: 1, recordCalcium: false, ...(engineOptions ? { engineOptions } : {}) });
}

/**
 * The reference's noise-free early phase replayed on its own step grid: calcium decays then jumps at the
 * end of each step (the presynaptic jump t_c,delay later, delay truncated to whole steps), and the whole
 * step runs in the regime the new calcium selects — so each excursion above a threshold counts from one
 * step before its jump to the last step still above: on average dt/2 longer than in continuous time.
 */
function referenceOnGrid(protocol: Protocol, Pm: ModelParams, dt: number, read_s: number): number {
  const k = stepCoefficients(Pm, dt);
  const pre = new Map<number, number>();
  for (const t of protocol.spikeTimes_s!) pre.set(Math.round(t / dt) + delaySteps(toSeconds(Pm, 't_c_delay'), dt), 1);
  const post = new Set(protocol.postSpikeTimes_s!.map((t) => Math.round(t / dt)));
  let c = 0, h = Pm.h0;
  for (let j = 1; j <= Math.round(read_s / dt); j++) {
    c *= k.eC;
    if (pre.has(j)) c += k.cPre;
    if (post.has(j)) c += k.cPost;
    h = c >= k.thetaP ? h * k.hE2 + k.hA2 : c >= k.thetaD ? h * k.hE1 + k.hA1 : h * k.hE0 + k.hA0;
  }
  return h;
}

describe('forced postsynaptic spikes', () => {
  it('every single-synapse engine fires exactly the forced spikes (bursts included), whatever the weight does', () => {
    const protocol = short({ pairs: 10, freq_Hz: 50, dt_ms: 10, postBurst: { count: 3, isi_ms: 1 } });
    for (const engine of ['exact', 'reference', 'bss2']) {
      const r = trial(engine, protocol, P, 0);
      expect(r.postSpikes, engine).toBe(30);
      expect(r.preSpikes, engine).toBe(10);
    }
  });

  it('the single-synapse description carries them to the post neuron and back', () => {
    const protocol = short({ pairs: 3, freq_Hz: 10, dt_ms: -5 });
    const d = singleSynapseDescription(protocol, P);
    expect(d.stimuli).toHaveLength(2);
    expect(d.stimuli[1]).toMatchObject({ kind: 'spike-trains', target: { population: 'post' }, trains: [] });
    const back = asSingleSynapse(d);
    expect('protocol' in back && back.protocol.postSpikeTimes_s).toEqual(protocol.postSpikeTimes_s);
    const direct = trial('exact', protocol, P, 1);
    const described = runSingleSynapse(getEngine('exact'), d, { seed: 3, trial: 1, dt_ms: 0.2, fastForward: true, sampleInterval_s: 1, recordCalcium: false });
    expect(Array.from(described.h_mV)).toEqual(Array.from(direct.h_mV));
  });

  it('the reference network loop, driving the post neuron by the same stimulus, reproduces the single-synapse loop to rounding', () => {
    const protocol = short({ pairs: 20, freq_Hz: 50, dt_ms: 10 });
    const single = trial('reference', protocol, noiseFree, 0);
    const net = runReferenceNetwork({
      description: {
        ...singleSynapseDescription(protocol, noiseFree),
        probes: [{ name: 'syn', kind: 'synapses', target: { projection: 'synapse' }, variables: ['h'], interval_s: 1 }],
      },
      seed: 3, trial: 0, dt_ms: 0.2, fastForward: true,
    });
    const probe = net.probes[0]!;
    // the two loops order a few additions differently: equal to the last few bits
    for (let i = 0; i <= READ; i++) expect(Math.abs(probe.values.h![i]! - single.h_mV[i]!)).toBeLessThan(1e-12 * P.h0);
    expect(single.h_mV[READ]).not.toBe(P.h0);
    expect(net.spikes.neuron.filter((n) => n === 1).length).toBe(single.postSpikes);
  });
});

describe('engines on a pairing grid', () => {
  const grid: PairingSpec[] = [
    { pairs: 30, freq_Hz: 50, dt_ms: -10 }, { pairs: 30, freq_Hz: 50, dt_ms: 10 }, { pairs: 30, freq_Hz: 20, dt_ms: 10 }, { pairs: 30, freq_Hz: 10, dt_ms: 18 },
  ];
  const stats = (engine: string, protocol: Protocol, n: number, options?: Record<string, unknown>) => {
    let s = 0, s2 = 0;
    for (let t = 0; t < n; t++) {
      const x = trial(engine, protocol, P, t, options).h_mV[READ]! / P.h0 - 1;
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    return { mean, sd: Math.sqrt(Math.max(0, s2 - n * mean * mean) / (n - 1)), n };
  };

  it("the reference's offset from the continuous closed form is its step grid, exactly", () => {
    for (const spec of grid) {
      const protocol = short(spec);
      const r = trial('reference', protocol, noiseFree, 0);
      expect(Math.abs(r.h_mV[READ]! - referenceOnGrid(protocol, noiseFree, 2e-4, READ))).toBeLessThan(1e-9);
    }
  });

  it('exact, reference and bss2 (an ideal chip: 0.2 ms solver, no mismatch) agree within the trial spread', () => {
    const ideal = { ppuPeriod_ms: 0.2, allowInfeasible: true, mismatch: 0, temporalNoise: 0 };
    for (const spec of grid) {
      const protocol = short(spec);
      const exact = stats('exact', protocol, 200);
      const ref = stats('reference', protocol, 100);
      const chip = stats('bss2', protocol, 12, ideal);
      const pred = predictPairing(protocol, P, READ).earlyChange;
      // exact: the closed form within 4 standard errors (its mean is the noise-free solution)
      expect(Math.abs(exact.mean - pred)).toBeLessThan((4 * exact.sd) / Math.sqrt(exact.n));
      // reference and the chip: within one trial SD of the exact engine (the trial spread)
      expect(Math.abs(ref.mean - exact.mean), `${JSON.stringify(spec)} reference`).toBeLessThan(exact.sd);
      expect(Math.abs(chip.mean - exact.mean), `${JSON.stringify(spec)} bss2`).toBeLessThan(exact.sd);
    }
  });
});
