/**
 * Probe events of the `exact` engine: samples of the output grid and of the fine calcium window. At
 * rest they are evaluated from the closed forms; inside a noisy regime they are only counted here and
 * filled from the OU bridge when the next piece of the path is committed (earlyPhase.ts), so probes
 * never perturb the sample path.
 */
import { commitCalcium } from './calciumEvents.js';
import { restH } from './earlyPhase.js';
import { expNeg } from '../../model/fastExp.js';
import { slowAt } from './tagAndProtein.js';
import type { ExactTrial, St } from './trialState.js';

// State slots used here, as literals whose types (St members) make the compiler check them against the
// one layout in trialState.ts: an imported constant would cost a load on every access per event.
const S_C_J: St.C_J = 2;
const S_T_J: St.T_J = 3;
const S_NOW: St.NOW = 17;
const S_H_REST: St.H_REST = 19;

/** A grid sample time: (h, z, p) now. */
export function onGridProbe(tr: ExactTrial): void {
  const t = tr.s[S_NOW]!;
  tr.kSched++;
  if (tr.regime !== 0) return; // filled from the OU bridge at the next sample of h
  slowAt(tr, t);
  restH(tr);
  tr.rec.putState(tr.s, S_H_REST, tr.tmp);
  tr.kPut++;
}

/** A calcium-window sample time: c now, and h (from the closed form at rest, else from the bridge). */
export function onCalciumProbe(tr: ExactTrial): void {
  const t = tr.s[S_NOW]!;
  const k = tr.kCaSched++;
  commitCalcium(tr);
  tr.caC![k] = tr.s[S_C_J] * expNeg((t - tr.s[S_T_J]) / tr.tauC);
  if (tr.regime !== 0) return;
  restH(tr);
  tr.caH![k] = tr.s[S_H_REST];
  tr.kCaPut++;
}
