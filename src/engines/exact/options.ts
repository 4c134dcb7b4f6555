/** The options of the `exact` engine as the engine interface declares them (see trialState.ts). */
import type { Engine, EngineOption } from '../types.js';
import { checkDeclaredOptions, EngineOptionError } from '../options.js';
import { DEFAULT_MAX_NOISY_STEP_S, exactOptions } from './trialState.js';

export const EXACT_OPTIONS: readonly EngineOption[] = [
  {
    name: 'maxNoisyStep_ms', flag: 'max-noisy-step', type: 'number', valueName: 'ms', default: DEFAULT_MAX_NOISY_STEP_S * 1e3,
    description: 'longest noisy stretch between OU-bridge samples: the resolution of threshold crossings of h, ms',
  },
  {
    name: 'everyPsp', flag: 'every-psp', type: 'boolean', default: false,
    description: 'process every PSP arrival, also where the neuron provably cannot fire (h is then sampled at each: the sample path a probe of V gives)',
  },
];

/** The engine-interface side of exact: declared options and resolver (spread into `exactEngine`). */
export const exactOptionSupport: Pick<Engine, 'options' | 'resolveOptions'> = {
  options: EXACT_OPTIONS,
  resolveOptions(raw) {
    checkDeclaredOptions('exact', EXACT_OPTIONS, raw);
    try {
      exactOptions(raw);
    } catch (e) {
      const every = (e as Error).message.includes('everyPsp');
      throw every
        ? new EngineOptionError('exact', 'everyPsp', raw.everyPsp, 'true or false', (e as Error).message)
        : new EngineOptionError('exact', 'maxNoisyStep_ms', raw.maxNoisyStep_ms, 'a number > 0 (ms)', (e as Error).message);
    }
    return { maxNoisyStep_ms: raw.maxNoisyStep_ms ?? EXACT_OPTIONS[0]!.default, everyPsp: raw.everyPsp ?? EXACT_OPTIONS[1]!.default };
  },
};
