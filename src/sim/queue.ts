/**
 * What the caller of a queued run (`queue-run.ts`) and the queue workers (`queue-worker.ts`) share:
 * the Redis backend's options, connections, key names and the shapes of a job and its result.
 *
 * A run is one Redis value holding its inputs (the spec and the start states, in the wire format) and
 * one BullMQ job per group of trajectories, carrying the run's id, the group and the model's identity
 * (name + content hash). A worker writes a group's trajectories back as one wire-format value (or a
 * file in a shared folder, for large groups); the caller gathers them in group order. bullmq and
 * ioredis are loaded on first use, so a local run never loads them.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { Redis, RedisOptions } from 'ioredis';
import type { ModelIdentity } from '../model/lmm';
import type { GroupProfile, RunSpec } from './run-group';
import type { StartState } from './start-state';

/** Where and how a run is spread over queue workers (`simulate({ …, backend: { redis: URL } })`). */
export interface RedisBackend {
  /** `redis://[:password@]host[:port][/db]`, or `rediss://…` for TLS. */
  redis: string;
  /** The queue (default `marsbook`): workers started with the same `--queue` take its jobs. */
  queue?: string;
  /** Seconds without a group finishing or reporting progress before the run fails (default 600). */
  idleTimeout?: number;
  /** Times a group is tried before the run fails with its error (default 3). */
  attempts?: number;
  /** TLS settings for `rediss://` (e.g. `{ ca }` for a private authority); default: Node's trusted CAs, to which NODE_EXTRA_CA_CERTS adds. */
  tls?: TlsOptions;
}

export const DEFAULT_QUEUE = 'marsbook';
/** BullMQ's key prefix for marsbook's queues (`marsbook:<queue>:…`). */
export const BULL_PREFIX = 'marsbook';
/** A group's result larger than this goes to the worker's `--out` folder instead of Redis (default 64 MiB). */
export const DEFAULT_MAX_RESULT_BYTES = 64 * 1024 * 1024;
/** Results wait this long in Redis for their caller (it takes them at once; this only bounds what a vanished caller leaves). */
export const RESULT_TTL_SECONDS = 3600;
/** A run's input lives this long without its caller refreshing it (the caller does, every few seconds). */
export const INPUT_TTL_SECONDS = 3600;

/** The inputs of a run, as stored under its input key. */
export interface RunInput {
  spec: RunSpec;
  states: StartState[];
}

/** A job: one group of one run. */
export interface GroupJob {
  run: string;
  group: number;
  groups: number;
  /** The model the group needs (null for the noise and replay worlds). */
  model: ModelIdentity | null;
}

/** What a worker says about a group it ran (stored with the trajectories, and its job's return value). */
export interface GroupInfo {
  /** Size of the group's encoded trajectories. */
  bytes: number;
  worker: string;
  /** Seconds the worker spent reading the run's input (once per run and worker), running the group and encoding it. */
  seconds: { input: number; run: number; encode: number };
  profile: GroupProfile;
}

/**
 * What a group's result key holds: a u32 length, then `ResultHead` (wire format), then the
 * trajectories `{ group, data }` (wire format) — or, for a group larger than the worker's Redis limit,
 * nothing more: `file` names the file in its `--out` folder that holds them.
 */
export interface ResultHead {
  group: number;
  info: GroupInfo;
  file?: string;
}

export function joinResult(head: Buffer, body: Buffer | null): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length, 0);
  return Buffer.concat(body ? [len, head, body] : [len, head]);
}

export function splitResult(bytes: Buffer): { head: Buffer; body: Buffer | null } {
  const n = bytes.length >= 4 ? bytes.readUInt32LE(0) : -1;
  if (n < 0 || 4 + n > bytes.length) throw new Error(`a group result of ${bytes.length} bytes is cut short`);
  return { head: bytes.subarray(4, 4 + n), body: 4 + n < bytes.length ? bytes.subarray(4 + n) : null };
}

export function inputKey(queue: string, run: string): string {
  return `${BULL_PREFIX}-run:${queue}:${run}:input`;
}
export function resultKey(queue: string, run: string, group: number): string {
  return `${BULL_PREFIX}-run:${queue}:${run}:g${group}`;
}
export function groupJobId(run: string, group: number): string {
  return `${run}-g${group}`;
}

/** The URL with its password hidden, for messages. */
export function maskUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@]*@/i, '$1***@');
}

/** A clear one-line error for a bad backend option. */
export function checkBackend(b: RedisBackend, who: string): Required<Pick<RedisBackend, 'redis' | 'queue' | 'idleTimeout' | 'attempts'>> {
  if (typeof b?.redis !== 'string' || !/^rediss?:\/\/./i.test(b.redis)) throw new RangeError(`${who}: backend.redis must be a redis:// or rediss:// URL, got ${JSON.stringify(b?.redis)}`);
  const queue = b.queue ?? DEFAULT_QUEUE;
  checkQueueName(queue, `${who}: backend.queue`);
  const idleTimeout = b.idleTimeout ?? 600;
  if (!(idleTimeout > 0)) throw new RangeError(`${who}: backend.idleTimeout must be a positive number of seconds, got ${b.idleTimeout}`);
  const attempts = b.attempts ?? 3;
  if (!(Number.isInteger(attempts) && attempts >= 1)) throw new RangeError(`${who}: backend.attempts must be a whole number ≥ 1, got ${b.attempts}`);
  return { redis: b.redis, queue, idleTimeout, attempts };
}

export function checkQueueName(name: string, what: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new RangeError(`${what} must be letters, digits, '_', '.' or '-', got ${JSON.stringify(name)}`);
}

type IORedis = typeof import('ioredis').default;
let ioredisModule: IORedis | null = null;
function ioredis(): IORedis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ioredisModule ??= (require('ioredis') as typeof import('ioredis')).default;
  return ioredisModule;
}

type BullMQ = typeof import('bullmq');
let bullModule: BullMQ | null = null;
/** bullmq, loaded on first use. */
export function bullmq(): BullMQ {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  bullModule ??= require('bullmq') as BullMQ;
  return bullModule;
}

/**
 * A connection that outlives Redis restarts: commands wait (offline queue) while ioredis reconnects,
 * every 50 ms … 2 s, for ever; BullMQ needs that (`maxRetriesPerRequest: null`). Who holds it bounds
 * the wait (the caller's idle timeout).
 */
export function connect(url: string, tls?: TlsOptions, name?: string): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, connectionName: name };
  if (tls) options.tls = tls;
  const c = new (ioredis())(url, options);
  c.on('error', () => {}); // reported through probe() and the callers' timeouts, not as unhandled events
  return c;
}

/** Connect once, without retrying, and PING: a wrong address, password or certificate becomes one clear error. */
export async function probe(url: string, tls: TlsOptions | undefined, who: string): Promise<void> {
  const options: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 10_000, enableOfflineQueue: false };
  if (tls) options.tls = tls;
  const c = new (ioredis())(url, options);
  let last: Error | null = null;
  c.on('error', (e: Error) => (last = e));
  try {
    await c.connect();
    await c.ping();
  } catch (e) {
    const why = (last as Error | null)?.message ?? (e as Error).message;
    throw new Error(`${who}: cannot use Redis at ${maskUrl(url)}: ${why}`);
  } finally {
    c.disconnect();
  }
}
