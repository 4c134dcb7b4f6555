/**
 * The engine registry: a flat map from name to engine, so a new engine is added beside the others
 * without touching any caller (the habit of TensorFlow.js's kernel registry).
 */
import { bss2Engine } from './bss2/bss2Engine.js';
import { exactEngine } from './exact/exactEngine.js';
import { fastEngine } from './fast/fastEngine.js';
import { referenceEngine } from './reference/referenceEngine.js';
import type { Engine } from './types.js';

const ENGINES = new Map<string, Engine>();

export function registerEngine(engine: Engine): void {
  ENGINES.set(engine.name, engine);
}

export function getEngine(name: string): Engine {
  const e = ENGINES.get(name);
  if (!e) throw new Error(`unknown engine '${name}'; allowed: ${engineNames().join(', ')}`);
  return e;
}

export function engineNames(): string[] {
  return [...ENGINES.keys()];
}

registerEngine(referenceEngine);
registerEngine(exactEngine);
registerEngine(bss2Engine);
registerEngine(fastEngine);
