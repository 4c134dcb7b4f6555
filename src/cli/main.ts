#!/usr/bin/env node
/**
 * The `calcitag` command: a thin front end over the library; each subcommand lives in commands/.
 * Bad input gets one line naming the flag, the value and what is allowed, exit code 2, no output.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { readableError, USAGE } from './errors.js';
import { registerRun } from './commands/run.js';
import { registerHwStudy } from './commands/hwStudy.js';
import { registerBss2 } from './commands/bss2.js';
import { registerNetwork } from './commands/network.js';
import { registerSchema } from './commands/schema.js';
import { registerServe } from './commands/serve.js';
import { registerValidate } from './commands/validate.js';
import { registerSweep } from './commands/sweep.js';
import { registerTiming } from './commands/timing.js';
import { registerWorker } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('calcitag')
    .description('Simulator and BrainScaleS-2 emulator for calcium-based synaptic tagging and capture')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`calcitag: ${str.replace(/^error: /, '')}`) });
  registerRun(program);
  registerHwStudy(program);
  registerBss2(program);
  registerNetwork(program);
  registerSchema(program);
  registerServe(program);
  registerValidate(program);
  registerSweep(program);
  registerTiming(program);
  registerWorker(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
      process.exit(USAGE);
    }
    const [line, code] = readableError(e);
    process.stderr.write(`calcitag: ${line}\n`);
    process.exit(code);
  }
}

void main(process.argv);
