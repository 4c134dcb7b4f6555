/**
 * Model parameters of the Luboeinski & Tetzlaff (2021) STC model, as users type them.
 *
 * Every value is in the paper's units (see `unit`); engines convert to seconds through
 * {@link toSeconds}. Names are the snake_case names of MODEL.md §10.
 */

/** One documented, overridable model parameter. */
export interface ParamSpec {
  readonly name: ParamName;
  readonly symbol: string;
  readonly unit: 'ms' | 's' | 'mV' | 'MΩ' | 'nA' | 'nA·s^½' | '1';
  readonly single: number;
  /** Default in recurrent networks, where it differs (MODEL.md §2–3). */
  readonly network?: number;
  readonly doc: string;
  /**
   * Allowed range (inclusive unless `exclusiveMin`): wide enough for any meaningful model, narrow enough
   * that no value can overflow the state (e.g. sigma_pl=1e200 or gamma_p=1e308 are refused).
   */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  readonly max?: number;
}

export const PARAM_NAMES = [
  'tau_mem', 'r_mem', 'v_rev', 'v_th', 'v_reset', 't_ref',
  'tau_syn', 't_syn_delay',
  'i_0', 'sigma_wn', 'tau_ou',
  'tau_c', 't_c_delay', 'c_pre', 'c_post',
  'theta_p', 'theta_d',
  'tau_h', 'gamma_p', 'gamma_d', 'h0', 'h_max', 'sigma_pl',
  'theta_tag', 'theta_pro',
  'tau_p', 'alpha',
  'tau_z', 'z_max', 'z_min',
] as const;

export type ParamName = (typeof PARAM_NAMES)[number];

/** A fully resolved parameter set, in the units of {@link PARAM_SPECS}. */
export type ModelParams = { readonly [K in ParamName]: number };

const GAMMA_P = 1645.6;
const GAMMA_D = 313.1;
/** h0 = 5 mV · γp/(γp + γd): the early-phase resting weight (MODEL.md §4). */
export const H0_DEFAULT = (5 * GAMMA_P) / (GAMMA_P + GAMMA_D);

const spec = (s: ParamSpec): ParamSpec => s;

/** The parameter table: the one place where names, defaults and units live. */
export const PARAM_SPECS: readonly ParamSpec[] = [
  spec({ name: 'tau_mem', symbol: 'τ_mem', unit: 'ms', single: 10, doc: 'membrane time constant', min: 0, exclusiveMin: true, max: 1e4 }),
  spec({ name: 'r_mem', symbol: 'R_mem', unit: 'MΩ', single: 10, doc: 'membrane resistance', min: 0, exclusiveMin: true, max: 1e5 }),
  spec({ name: 'v_rev', symbol: 'V_rev', unit: 'mV', single: -65, doc: 'resting (reversal) potential', min: -200, max: 200 }),
  spec({ name: 'v_th', symbol: 'V_th', unit: 'mV', single: -55, doc: 'spike threshold', min: -200, max: 200 }),
  spec({ name: 'v_reset', symbol: 'V_reset', unit: 'mV', single: -70, doc: 'reset potential, held during the refractory period', min: -200, max: 200 }),
  spec({ name: 't_ref', symbol: 't_ref', unit: 'ms', single: 2, doc: 'absolute refractory period', min: 0, max: 1000 }),
  spec({ name: 'tau_syn', symbol: 'τ_syn', unit: 'ms', single: 5, doc: 'synaptic current decay time constant', min: 0, exclusiveMin: true, max: 1e4 }),
  spec({ name: 't_syn_delay', symbol: 't_syn,delay', unit: 'ms', single: 3, doc: 'synaptic transmission delay (whole steps)', min: 0, max: 1000 }),
  spec({ name: 'i_0', symbol: 'I_0', unit: 'nA', single: 0, network: 0.15, doc: 'mean of the OU background current', min: -100, max: 100 }),
  spec({ name: 'sigma_wn', symbol: 'σ_WN', unit: 'nA·s^½', single: 0, network: 0.05, doc: 'white-noise amplitude driving the OU background', min: 0, max: 100 }),
  spec({ name: 'tau_ou', symbol: 'τ_OU', unit: 'ms', single: 5, doc: 'OU background correlation time', min: 0, exclusiveMin: true, max: 1e4 }),
  spec({ name: 'tau_c', symbol: 'τ_c', unit: 'ms', single: 48.8, doc: 'calcium decay time constant', min: 0, exclusiveMin: true, max: 1e4 }),
  spec({ name: 't_c_delay', symbol: 't_c,delay', unit: 'ms', single: 18.8, doc: 'delay of the presynaptic calcium jump (whole steps)', min: 0, max: 1000 }),
  spec({ name: 'c_pre', symbol: 'c_pre', unit: '1', single: 1.0, network: 0.6, doc: 'calcium jump per presynaptic spike', min: 0, max: 100 }),
  spec({ name: 'c_post', symbol: 'c_post', unit: '1', single: 0.2758, network: 0.16548, doc: 'calcium jump per postsynaptic spike', min: 0, max: 100 }),
  spec({ name: 'theta_p', symbol: 'θ_p', unit: '1', single: 3.0, doc: 'calcium threshold for potentiation', min: 0, max: 1000 }),
  spec({ name: 'theta_d', symbol: 'θ_d', unit: '1', single: 1.2, doc: 'calcium threshold for depression', min: 0, max: 1000 }),
  spec({ name: 'tau_h', symbol: 'τ_h', unit: 's', single: 688.4, doc: 'early-phase time constant', min: 0, exclusiveMin: true, max: 1e7 }),
  spec({ name: 'gamma_p', symbol: 'γ_p', unit: '1', single: GAMMA_P, doc: 'potentiation rate', min: 0, max: 1e6 }),
  spec({ name: 'gamma_d', symbol: 'γ_d', unit: '1', single: GAMMA_D, doc: 'depression rate', min: 0, max: 1e6 }),
  spec({ name: 'h0', symbol: 'h0', unit: 'mV', single: H0_DEFAULT, doc: 'early-phase resting weight; also the scale of z in w = h + h0 z', min: 0, exclusiveMin: true, max: 1000 }),
  spec({ name: 'h_max', symbol: '10 mV', unit: 'mV', single: 10, doc: 'potentiation target of the early phase', min: 0, max: 1000 }),
  spec({ name: 'sigma_pl', symbol: 'σ_pl', unit: 'mV', single: 2.90436, doc: 'plasticity noise amplitude (9.1844/√1000·10 mV)', min: 0, max: 1000 }),
  spec({ name: 'theta_tag', symbol: 'θ_tag', unit: 'mV', single: 0.2 * H0_DEFAULT, doc: 'tagging threshold on |h − h0|', min: 0, max: 1000 }),
  spec({ name: 'theta_pro', symbol: 'θ_pro', unit: 'mV', single: 0.5 * H0_DEFAULT, doc: 'protein-synthesis threshold on Σ|h − h0|', min: 0, max: 1000 }),
  spec({ name: 'tau_p', symbol: 'τ_p', unit: 's', single: 3600, doc: 'protein time constant', min: 0, exclusiveMin: true, max: 1e7 }),
  spec({ name: 'alpha', symbol: 'α', unit: '1', single: 1, doc: 'protein synthesis rate (steady-state amount)', min: 0, max: 1000 }),
  spec({ name: 'tau_z', symbol: 'τ_z', unit: 's', single: 3600, doc: 'late-phase time constant', min: 0, exclusiveMin: true, max: 1e7 }),
  spec({ name: 'z_max', symbol: 'z_max', unit: '1', single: 1, doc: 'upper bound of z (L-LTP target)', min: 0, exclusiveMin: true, max: 100 }),
  spec({ name: 'z_min', symbol: 'z_min', unit: '1', single: -0.5, doc: 'lower bound of z (L-LTD target)', min: -100, max: 0 }),
];

const SPEC_BY_NAME: ReadonlyMap<string, ParamSpec> = new Map(PARAM_SPECS.map((s) => [s.name, s]));

export function paramSpec(name: string): ParamSpec | undefined {
  return SPEC_BY_NAME.get(name);
}

/** Raised for a parameter that is unknown or out of range; the message names field, value and what is allowed. */
export class ParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParameterError';
  }
}

/** Defaults for a single-synapse run (`'single'`) or a recurrent network (`'network'`). */
export function defaultParams(kind: 'single' | 'network' = 'single'): ModelParams {
  const out: Record<string, number> = {};
  for (const s of PARAM_SPECS) out[s.name] = kind === 'network' && s.network !== undefined ? s.network : s.single;
  return out as ModelParams;
}

/** Checks one value against its spec; returns an error message or undefined. */
export function checkParam(name: string, value: number): string | undefined {
  const s = SPEC_BY_NAME.get(name);
  if (!s) return `unknown parameter '${name}'; allowed: ${PARAM_NAMES.join(', ')}`;
  if (!Number.isFinite(value)) return `parameter ${name}=${value} is not a finite number`;
  if (s.min !== undefined && (s.exclusiveMin ? value <= s.min : value < s.min)) {
    return `parameter ${name}=${value} must be ${s.exclusiveMin ? '>' : '≥'} ${s.min} ${s.unit}`;
  }
  if (s.max !== undefined && value > s.max) return `parameter ${name}=${value} must be ≤ ${s.max} ${s.unit}`;
  return undefined;
}

/** Applies overrides to the defaults, validating every name and value. */
export function resolveParams(
  overrides: Readonly<Record<string, number>> = {},
  kind: 'single' | 'network' = 'single',
): ModelParams {
  const out: Record<string, number> = { ...defaultParams(kind) };
  for (const [name, value] of Object.entries(overrides)) {
    const err = checkParam(name, value);
    if (err) throw new ParameterError(err);
    out[name] = value;
  }
  if (out.theta_d! > out.theta_p!) {
    throw new ParameterError(`theta_d=${out.theta_d} must be ≤ theta_p=${out.theta_p} (depression threshold below potentiation threshold)`);
  }
  if (out.v_reset! >= out.v_th!) {
    throw new ParameterError(`v_reset=${out.v_reset} mV must be below v_th=${out.v_th} mV`);
  }
  return out as ModelParams;
}

/** A parameter value converted from its user unit to seconds (time constants in ms become s). */
export function toSeconds(p: ModelParams, name: ParamName): number {
  const s = SPEC_BY_NAME.get(name)!;
  return s.unit === 'ms' ? p[name] * 1e-3 : p[name];
}

/** Parses `name=value` (as typed after `--param`). */
export function parseParamAssignment(text: string): [ParamName, number] {
  const m = /^([a-z_0-9]+)=(.+)$/.exec(text.trim());
  if (!m) throw new ParameterError(`--param '${text}' is malformed; expected name=value, e.g. theta_p=3.0`);
  const name = m[1]!;
  const raw = m[2]!.trim();
  const value = Number(raw);
  if (!SPEC_BY_NAME.has(name)) throw new ParameterError(`--param '${text}': unknown parameter '${name}'; allowed: ${PARAM_NAMES.join(', ')}`);
  if (raw === '' || !Number.isFinite(value)) throw new ParameterError(`--param '${text}': value '${raw}' is not a finite number`);
  const err = checkParam(name, value);
  if (err) throw new ParameterError(`--param '${text}': ${err}`);
  return [name as ParamName, value];
}
