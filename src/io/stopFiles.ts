/**
 * Stop files: how an idle process asks a synchronous run to stop. A run that holds its thread (a network,
 * in a BullMQ sandbox thread or in a supervised child process) cannot receive a message or a signal
 * mid-run; its engine polls such a file once a simulated second (engines' shouldStop) instead. One file per
 * asking process, in the temporary folder:
 *  - `worker`: `calcitag worker` asks its running network jobs to stop (distributed/processor.ts);
 *  - `network`: `calcitag network --checkpoint-every` asks its supervised run to stop (cli/networkStop.ts).
 * A module of its own so that the sandbox thread, which polls it, loads nothing else (BullMQ costs ≈ 180 ms).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const stopFile = (role: 'worker' | 'network', pid: number): string => join(tmpdir(), `calcitag-${role}-${pid}.stop`);
