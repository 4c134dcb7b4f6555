/** The options of the `fast` engine as the engine interface declares them. */
import type { Engine, EngineOption } from '../types.js';
import { checkDeclaredOptions } from '../options.js';

/** How the neurons' background Gaussians are drawn (fastNeurons.ts). */
export type BackgroundGaussians = 'box-muller' | 'ziggurat';

export const FAST_OPTIONS: readonly EngineOption[] = [
  {
    name: 'backgroundGaussians', flag: 'background-gaussians', type: 'choice', choices: ['box-muller', 'ziggurat'], default: 'box-muller',
    description: "how the neurons' background Gaussians are drawn: box-muller (the reference engine's numbers: the same spikes for a seed) or ziggurat (the same law, other numbers, about a fifth less CPU)",
  },
];

/** The resolved background sampler of a run's engine options. */
export const backgroundGaussians = (o: Readonly<Record<string, unknown>> | undefined): BackgroundGaussians =>
  o?.backgroundGaussians === 'ziggurat' ? 'ziggurat' : 'box-muller';

/** The engine-interface side of fast: declared options and resolver (spread into `fastEngine`). */
export const fastOptionSupport: Pick<Engine, 'options' | 'resolveOptions'> = {
  options: FAST_OPTIONS,
  resolveOptions(raw) {
    checkDeclaredOptions('fast', FAST_OPTIONS, raw);
    return { backgroundGaussians: backgroundGaussians(raw) };
  },
};
