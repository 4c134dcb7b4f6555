/**
 * `calcitag worker --broker redis://… [--concurrency N]`: processes sweep jobs from BullMQ until stopped.
 * Ctrl-C or SIGTERM (a scheduler's time limit): running network jobs stop at their next simulated second,
 * saving their state where the sweep keeps checkpoints, and go back to the queue for any worker to continue;
 * single-synapse jobs (short) finish. A second signal stops at once, and the running jobs are rerun
 * elsewhere once their locks run out. Start one per machine; all of them share the queue.
 */
import { rmSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { BrokerError, DEFAULT_QUEUE } from '../../distributed/broker.js';
import { stopFile as stopFileOf } from '../../io/stopFiles.js';
import { startSweepWorker } from '../../distributed/worker.js';
import { defaultWorkerCount } from '../../experiments/parallel.js';
import { usageError } from '../errors.js';
import { parseInteger } from './run.js';

interface WorkerFlags {
  broker: string;
  queue: string;
  concurrency?: number;
  lockMs: number;
  stalledMs?: number;
  quiet?: boolean;
}

async function workerCommand(flags: WorkerFlags): Promise<void> {
  const concurrency = flags.concurrency ?? (await defaultWorkerCount());
  const stopFile = stopFileOf('worker', process.pid);
  // one left by a killed worker of the same process id would stop this one's jobs at once
  rmSync(stopFile, { force: true });
  process.on('exit', () => rmSync(stopFile, { force: true }));
  // the log is a side channel: a reader that goes away (`calcitag worker … | head`) ends the log, not the worker
  let logging = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    logging = false;
  });
  const log = (line: string) => { if (logging && (!flags.quiet || !line.startsWith('progress'))) process.stdout.write(`${new Date().toISOString()} ${line}\n`); };
  let worker;
  try {
    worker = await startSweepWorker({ broker: flags.broker, queue: flags.queue, concurrency, lockMs: flags.lockMs, stalledMs: flags.stalledMs, log });
  } catch (e) {
    if (e instanceof BrokerError) usageError(e.message);
    usageError(`cannot reach the broker ${flags.broker}: ${(e as Error).message.split('\n')[0]}`);
  }
  log(`worker ready: queue '${flags.queue}' on ${flags.broker}, ${concurrency} job(s) at once`);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    writeFileSync(stopFile, ''); // the running network jobs poll it (processor.ts)
    log('stopping: running network jobs save their state and go back to the queue, other jobs finish (signal again to stop now)');
    void worker.close().then(() => {
      log('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('process sweep jobs from a BullMQ queue on Redis (results go to each sweep folder; see docs/sweeps.md)')
    .requiredOption('--broker <url>', 'Redis URL of the BullMQ broker, e.g. redis://host:6379')
    .option('--queue <name>', 'BullMQ queue name', DEFAULT_QUEUE)
    .option('--concurrency <n>', 'jobs at once, each in its own thread (default: all cores)', parseInteger('--concurrency', 1, 1024))
    .option('--lock-ms <ms>', 'job lock time: a lost worker\'s job is rerun this long after it died', parseInteger('--lock-ms', 1000), 30000)
    .option('--stalled-ms <ms>', 'how often to look for jobs of lost workers (default: the lock time)', parseInteger('--stalled-ms', 500))
    .option('--quiet', 'no progress lines')
    .action(workerCommand);
}
