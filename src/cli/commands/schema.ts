/** `calcitag schema`: prints the experiment file's JSON Schema (for editors, validators and Python users). */
import type { Command } from 'commander';
import { experimentJsonSchema } from '../../experiments/experimentSchema.js';
import { networkJsonSchema } from '../../experiments/network/networkSchema.js';
import { writeFileAtomic } from '../../io/files.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of experiment files (YAML or JSON); --network: of network experiment files')
    .option('--network', 'the schema of network experiment files (calcitag network FILE)')
    .option('--out <file>', 'write it to a file instead of stdout')
    .action((flags: { out?: string; network?: boolean }) => {
      const text = JSON.stringify(flags.network ? networkJsonSchema() : experimentJsonSchema(), null, 2) + '\n';
      if (flags.out) writeFileAtomic(flags.out, text);
      else process.stdout.write(text);
    });
}
