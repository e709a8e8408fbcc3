/**
 * A queue worker (`npx marsbook worker --redis URL`): takes group jobs from a BullMQ queue, runs them
 * with `runGroup` exactly as a local run does, and stores each group's trajectories back in Redis in
 * the wire format (or, over the Redis limit, in a shared `--out` folder).
 *
 * - Models are loaded once, at start, and kept; a job names the model it needs by content hash, and a
 *   job for a model this worker does not have is refused (failed at once, with the reason), never run
 *   with another model. The noise and replay worlds need no model.
 * - A run's inputs are read once per worker (the last few runs are kept).
 * - Locks: BullMQ renews a running job's lock every `lockSeconds / 2`; a worker that dies stops
 *   renewing, and another worker's stalled-job check (every `lockSeconds`) returns the job to the
 *   queue: a killed worker's group runs again elsewhere between one and three lock periods later. A
 *   group whose worker dies `maxStalled` times fails the run. LMM groups yield to the event loop at
 *   every model step, so renewals are on time; keep `lockSeconds` well above the longest synchronous
 *   stretch (one noise or replay trajectory of the whole horizon).
 * - `close()` lets running groups finish before it resolves; `close(true)` drops them (they return to
 *   the queue when their locks expire).
 */
import { hostname } from 'node:os';
import { existsSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { LargeMarketModel, shippedModelDir, resolveModelDir, SHIPPED_MODELS, type ModelIdentity } from '../model/lmm';
import { runGroup, type GroupProfile, type TrajectoryData } from './run-group';
import { pack, unpack } from './wire';
import {
  BULL_PREFIX,
  bullmq,
  checkQueueName,
  connect,
  DEFAULT_MAX_RESULT_BYTES,
  DEFAULT_QUEUE,
  inputKey,
  joinResult,
  maskUrl,
  probe,
  RESULT_TTL_SECONDS,
  resultKey,
  type GroupInfo,
  type GroupJob,
  type ResultHead,
  type RunInput,
} from './queue';

/** KEYS: the run's input, the group's result; ARGV: the result, its TTL. 1 stored, 0 already there, −1 the run has ended. */
const STORE_RESULT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2], 'NX') then return 1 end
return 0`;

export interface QueueWorkerOptions {
  /** `redis://[:password@]host[:port][/db]` or `rediss://…` (TLS). */
  redis: string;
  /** The queue to take jobs from (default `marsbook`). */
  queue?: string;
  /** Groups run at once in this process (default 1). LMM groups overlap their model steps; for more cores, start more workers. */
  concurrency?: number;
  /** Model folders to load and serve (default: the shipped model). */
  models?: string[];
  /** ONNX threads per model session (default 2, or 1 when concurrency > 1). */
  threads?: number;
  /** A folder every machine sees at the same path: results over `maxResultBytes` are written there. */
  out?: string;
  /** Largest result stored in Redis, bytes (default 64 MiB). */
  maxResultBytes?: number;
  /** Lock period, seconds (default 30; see the module comment). */
  lockSeconds?: number;
  /** Times a group may lose its worker before it fails (default 3). */
  maxStalled?: number;
  /** This worker's name in jobs and logs (default host:pid). */
  name?: string;
  tls?: TlsOptions;
  /** Where log lines go (default: nowhere). */
  log?: (line: string) => void;
}

export interface QueueWorker {
  readonly name: string;
  readonly queue: string;
  readonly models: ModelIdentity[];
  /** Groups completed and failed by this worker so far. */
  readonly counts: { done: number; failed: number };
  /** Stop taking jobs; resolves when the running groups have finished (`force`: at once, dropping them). */
  close(force?: boolean): Promise<void>;
}

/** Connect, load the models and start taking jobs (see the module comment). */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  if (typeof o.redis !== 'string' || !/^rediss?:\/\/./i.test(o.redis)) throw new RangeError(`worker: --redis must be a redis:// or rediss:// URL, got ${JSON.stringify(o.redis)}`);
  const queueName = o.queue ?? DEFAULT_QUEUE;
  checkQueueName(queueName, 'worker: --queue');
  const concurrency = o.concurrency ?? 1;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`worker: --concurrency must be a whole number ≥ 1, got ${o.concurrency}`);
  const lockSeconds = o.lockSeconds ?? 30;
  if (!(lockSeconds >= 1)) throw new RangeError(`worker: --lock-seconds must be at least 1, got ${o.lockSeconds}`);
  const maxBytes = o.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  if (!(maxBytes > 0)) throw new RangeError(`worker: the result limit must be positive, got ${o.maxResultBytes}`);
  if (o.out !== undefined && !existsSync(o.out)) throw new RangeError(`worker: --out ${o.out}: no such folder`);
  const name = o.name ?? `${hostname()}:${process.pid}`;
  const log = o.log ?? (() => {});
  await probe(o.redis, o.tls, `worker ${name}`);

  const threads = o.threads ?? (concurrency > 1 ? 1 : 2);
  const dirs = o.models?.map(resolveModelDir) ?? SHIPPED_MODELS.map((n) => shippedModelDir(n)).filter((d) => existsSync(d));
  const models = new Map<string, LargeMarketModel>();
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new RangeError(`worker: --model ${dir}: no such folder`);
    const m = await LargeMarketModel.load(dir, { threads });
    models.set(m.identity().hash, m);
  }
  const identities = [...models.values()].map((m) => m.identity());
  const describe = (id: ModelIdentity) => `${id.name} (sha256 ${id.hash.slice(0, 12)}…)`;

  const conns: Redis[] = [];
  const open = (): Redis => {
    const c = connect(o.redis, o.tls);
    conns.push(c);
    return c;
  };
  const conn = open();
  const inputs = new Map<string, Promise<RunInput>>();
  const inputFor = (run: string): Promise<RunInput> => {
    let p = inputs.get(run);
    if (!p) {
      p = conn.getBuffer(inputKey(queueName, run)).then((bytes) => {
        if (!bytes) throw new (bullmq().UnrecoverableError)(`the input of run ${run} is not in Redis (its caller finished, gave up or was stopped)`);
        return unpack<RunInput>(bytes, `the input of run ${run}`);
      });
      p.catch(() => inputs.delete(run));
      inputs.set(run, p);
      while (inputs.size > 4) inputs.delete(inputs.keys().next().value as string);
    }
    return p;
  };

  const counts = { done: 0, failed: 0 };
  const { Worker, UnrecoverableError } = bullmq();
  const runJob = async (job: Job<GroupJob, GroupInfo>): Promise<GroupInfo> => {
    const d = job.data;
    if (!d || typeof d.run !== 'string' || !Number.isInteger(d.group) || d.group < 0) throw new UnrecoverableError(`job ${job.id} is not a marsbook group job (data ${JSON.stringify(d)?.slice(0, 200)})`);
    let model: LargeMarketModel | null = null;
    if (d.model) {
      model = models.get(d.model.hash) ?? null;
      if (!model) {
        throw new UnrecoverableError(
          `worker ${name} refused group ${d.group}: it needs model ${describe(d.model)}, this worker has ${identities.length ? identities.map(describe).join(', ') : 'no model'}; start workers with --model DIR of that model`,
        );
      }
    }
    const t0 = performance.now();
    const input = await inputFor(d.run);
    const total = input.states.length * input.spec.trajectories;
    if (d.group * input.spec.batch >= total) throw new UnrecoverableError(`group ${d.group} is past the end of run ${d.run} (${total} trajectories in groups of ${input.spec.batch})`);
    const t1 = performance.now();
    const profile: GroupProfile = { model: 0, sampling: 0, worlds: 0, steps: 0 };
    let last = 0;
    const data: TrajectoryData[] = await runGroup(input.states, input.spec, d.group, {
      model,
      profile,
      onProgress: (done) => {
        const now = Date.now();
        if (done < 1 && now - last >= 500) {
          last = now;
          job.updateProgress(done).catch(() => {});
        }
      },
    });
    const t2 = performance.now();
    const body = pack({ group: d.group, data });
    const t3 = performance.now();
    const info: GroupInfo = { bytes: body.length, worker: name, seconds: { input: (t1 - t0) / 1000, run: (t2 - t1) / 1000, encode: (t3 - t2) / 1000 }, profile };
    const key = resultKey(queueName, d.run, d.group);
    let value: Buffer;
    let created: string | null = null;
    if (body.length <= maxBytes) value = joinResult(pack({ group: d.group, info } satisfies ResultHead), body);
    else if (o.out) {
      const dir = join(o.out, queueName, d.run);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `group-${d.group}.mbw`);
      const tmp = `${file}.${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.${Date.now()}.tmp`;
      writeFileSync(tmp, body);
      try {
        linkSync(tmp, file); // the first complete file wins; a second copy of the group leaves it as it is
        created = file;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        unlinkSync(tmp);
      }
      value = joinResult(pack({ group: d.group, info, file } satisfies ResultHead), null);
    } else {
      throw new UnrecoverableError(
        `group ${d.group}: its trajectories take ${mib(body.length)} MiB, over this worker's ${mib(maxBytes)} MiB limit for results in Redis; start workers with --out DIR (a folder every machine sees at the same path), or run smaller batches`,
      );
    }
    // The first complete write wins (NX): a group run twice (its first worker presumed dead) stores one
    // result; and nothing is stored once the run's input is gone (its caller has finished or given up).
    const stored = (await conn.eval(STORE_RESULT, 2, inputKey(queueName, d.run), key, value, RESULT_TTL_SECONDS)) as number;
    if (stored < 0) {
      log(`group ${d.group} of run ${d.run.slice(0, 8)}: not stored, the run has ended`);
      if (created) unlinkSync(created);
    }
    return info;
  };

  const worker = new Worker<GroupJob, GroupInfo>(queueName, runJob, {
    connection: open(),
    prefix: BULL_PREFIX,
    concurrency,
    name,
    lockDuration: lockSeconds * 1000,
    stalledInterval: lockSeconds * 1000,
    maxStalledCount: o.maxStalled ?? 3,
  });
  worker.on('completed', (job, info) => {
    counts.done++;
    log(`group ${job.data.group} of run ${job.data.run.slice(0, 8)}: ${info.seconds.run.toFixed(2)} s, ${(info.bytes / 1024).toFixed(0)} KiB`);
  });
  worker.on('failed', (job, err) => {
    counts.failed++;
    log(`group ${job?.data.group} of run ${job?.data.run.slice(0, 8)} failed: ${err.message}`);
  });
  worker.on('stalled', (jobId) => log(`job ${jobId} lost its worker and returns to the queue`));
  worker.on('error', (e) => log(`error: ${e.message}`));
  await worker.waitUntilReady();
  log(`worker ${name} on queue '${queueName}' at ${maskUrl(o.redis)}: ${identities.length ? identities.map(describe).join(', ') : 'no model (noise and replay worlds only)'}; concurrency ${concurrency}`);

  let closing: Promise<void> | null = null;
  return {
    name,
    queue: queueName,
    models: identities,
    counts,
    close(force = false) {
      if (closing && !force) return closing;
      closing = (async () => {
        await worker.close(force);
        for (const c of conns) c.disconnect();
      })();
      return closing;
    },
  };
}

function mib(bytes: number): string {
  const m = bytes / 2 ** 20;
  return m >= 10 ? m.toFixed(0) : m.toFixed(2);
}
