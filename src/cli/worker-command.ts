/**
 * `marsbook worker --redis URL [--queue NAME] [--concurrency N] [--model DIR…] [--out DIR]`: take
 * simulation groups from a Redis queue until stopped. SIGTERM or SIGINT: stop taking jobs and let the
 * running groups finish, then exit 0; a second signal exits at once (the running groups return to the
 * queue when their locks expire, and run elsewhere).
 */
import { startQueueWorker, type QueueWorker } from '../sim/queue-worker';
import { CliError, type CliIO } from './io';

export interface WorkerCommandOptions {
  redis: string;
  queue?: string;
  concurrency?: number;
  model?: string[];
  threads?: number;
  out?: string;
  maxResultMb?: number;
  lockSeconds?: number;
  name?: string;
}

export async function workerCommand(o: WorkerCommandOptions, io: CliIO): Promise<number> {
  const log = (line: string) => io.err(`marsbook worker: ${line}\n`);
  let worker: QueueWorker;
  try {
    worker = await startQueueWorker({
      redis: o.redis,
      queue: o.queue,
      concurrency: o.concurrency,
      models: o.model && o.model.length ? o.model : undefined,
      threads: o.threads,
      out: o.out,
      maxResultBytes: o.maxResultMb !== undefined ? o.maxResultMb * 2 ** 20 : undefined,
      lockSeconds: o.lockSeconds,
      name: o.name,
      log,
    });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  io.out(`ready: worker ${worker.name} on queue '${worker.queue}'\n`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = (sig: string): void => {
      if (++signals === 1) {
        log(`${sig}: finishing the running groups, then exiting (again to exit now)`);
        worker.close().then(resolve, resolve);
      } else {
        log(`${sig} again: exiting now; the running groups return to the queue`);
        worker.close(true).finally(() => process.exit(1));
      }
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  log(`stopped after ${worker.counts.done} groups (${worker.counts.failed} failed)`);
  return 0;
}
