/**
 * The caller's side of a queued run: store the inputs, enqueue one job per group, gather the groups'
 * trajectories as workers finish them (in group order, each group once), clean up.
 *
 * Faults:
 * - A worker killed mid-group: BullMQ's stalled-job check (run by the other workers) returns the job
 *   to the queue once its lock expires; a group is stored once (the first complete write wins) and
 *   gathered once (the bytes would be the same anyway: a group's trajectories depend only on the
 *   seed, the batch size and the starts).
 * - A group failing `attempts` times (bad input, a refused model): the run ends with the worker's error.
 * - Redis restarting: connections reconnect; if the restart lost the run's keys (no persistence), the
 *   caller, which still holds the inputs, stores them again and re-adds the groups not yet gathered.
 *   If nothing finishes or progresses for `idleTimeout` seconds (no worker, Redis gone), the run fails
 *   saying so.
 * - Events missed (during a reconnect) are covered by a sweep of the result keys and the failed jobs
 *   of the groups not yet gathered (every second; for a run of thousands of groups, 2,000 a second).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Redis } from 'ioredis';
import type { ModelIdentity } from '../model/lmm';
import type { GroupProfile, RunSpec, TrajectoryData } from './run-group';
import type { StartState } from './start-state';
import { pack, unpack } from './wire';
import { BULL_PREFIX, bullmq, checkBackend, connect, groupJobId, inputKey, INPUT_TTL_SECONDS, maskUrl, probe, resultKey, splitResult, type GroupInfo, type GroupJob, type RedisBackend, type ResultHead } from './queue';

export interface QueueRunOptions {
  states: StartState[];
  spec: RunSpec;
  groups: number;
  model: ModelIdentity | null;
  backend: RedisBackend;
  /** A group's share done (0..1), as workers report it. */
  onProgress: (group: number, done: number) => void;
}

/** What a queued run adds to a run's timing. */
export interface QueueRunStats {
  queue: string;
  run: string;
  jobs: number;
  /** Distinct workers that ran the groups gathered. */
  workers: number;
  /** Bytes of the stored inputs and of the results gathered. */
  inputBytes: number;
  resultBytes: number;
  /** Worker seconds summed over groups: reading inputs, running groups, encoding results. */
  workerSeconds: { input: number; run: number; encode: number };
  /** Times the run's keys had vanished from Redis (a restart without persistence) and were stored again. */
  restored: number;
}

export interface QueueRunResult {
  data: TrajectoryData[];
  profile: GroupProfile;
  stats: QueueRunStats;
}

/** Run the groups of a run on queue workers (see the module comment). */
export async function runOnQueue(o: QueueRunOptions): Promise<QueueRunResult> {
  const b = checkBackend(o.backend, 'simulate');
  await probe(b.redis, o.backend.tls, 'simulate');
  const { Queue, QueueEvents } = bullmq();
  const run = randomUUID();
  const queueName = b.queue;
  const where = `queue '${queueName}' at ${maskUrl(b.redis)}`;
  // Start states travel without the real continuation unless the replay world needs it.
  const states = o.spec.world === 'replay' ? o.states : o.states.map(({ continuation: _drop, ...rest }) => rest);
  const input = pack({ spec: o.spec, states });
  const conns: Redis[] = [];
  const open = (): Redis => {
    const c = connect(b.redis, o.backend.tls);
    c.on('error', (e: Error) => (lastRedisError = e.message));
    conns.push(c);
    return c;
  };
  let lastRedisError = '';
  const conn = open();
  const queue = new Queue<GroupJob, GroupInfo>(queueName, { connection: open(), prefix: BULL_PREFIX });
  queue.on('error', (e: Error) => (lastRedisError = e.message));
  let events: InstanceType<typeof QueueEvents> | null = null;
  const results: Array<TrajectoryData[] | undefined> = new Array(o.groups);
  const taken = new Uint8Array(o.groups); // 1: being gathered or gathered
  const profile: GroupProfile = { model: 0, sampling: 0, worlds: 0, steps: 0 };
  const stats: QueueRunStats = { queue: queueName, run, jobs: o.groups, workers: 0, inputBytes: input.length, resultBytes: 0, workerSeconds: { input: 0, run: 0, encode: 0 }, restored: 0 };
  const workers = new Set<string>();
  const folders = new Set<string>(); // the run's folders in workers' --out, where large results were written
  let gathered = 0;
  let settle: { resolve: () => void; reject: (e: Error) => void } | null = null;
  let failure: Error | null = null;
  let lastActivity = Date.now();
  const fail = (e: Error): void => {
    if (failure) return;
    failure = e;
    settle?.reject(e);
  };
  const prefix = `${run}-g`;
  const groupOf = (jobId: string | undefined): number => {
    if (!jobId?.startsWith(prefix)) return -1;
    const g = Number(jobId.slice(prefix.length));
    return Number.isInteger(g) && g >= 0 && g < o.groups ? g : -1;
  };
  /** A worker names a file of its own making only, <out>/<queue>/<run>/group-<g>.mbw: nothing else is read or deleted. */
  const ownFile = (file: string, g: number): boolean => basename(file) === `group-${g}.mbw` && basename(dirname(file)) === run && basename(dirname(dirname(file))) === queueName;
  const groupError = (g: number, reason: string, attempts: number): Error =>
    new Error(`simulate: group ${g} failed on ${where}${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${reason}`);

  const enqueue = async (groups: number[]): Promise<void> => {
    for (let i = 0; i < groups.length; i += 1000) {
      await queue.addBulk(
        groups.slice(i, i + 1000).map((g) => ({
          name: 'group',
          data: { run, group: g, groups: o.groups, model: o.model },
          // A group's job id is fixed, so adding it again while it exists changes nothing.
          opts: { jobId: groupJobId(run, g), attempts: b.attempts, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: true, removeOnFail: { age: 3600 } },
        })),
      );
    }
  };
  const pending = (): number[] => {
    const out: number[] = [];
    for (let g = 0; g < o.groups; g++) if (!taken[g]) out.push(g);
    return out;
  };

  /** Take group g's trajectories (once) from its result key (or the file it names). */
  const gather = async (g: number, announced: boolean): Promise<void> => {
    if (taken[g] || failure) return;
    taken[g] = 1;
    try {
      const key = resultKey(queueName, run, g);
      const bytes = await conn.getBuffer(key);
      if (!bytes) {
        taken[g] = 0;
        // Announced complete but the result is gone (evicted, or lost in a restart): run it again.
        if (announced) await enqueue([g]);
        return;
      }
      const parts = splitResult(bytes);
      const head = unpack<ResultHead>(parts.head, `the result of group ${g} of run ${run}`);
      if (head.file && !ownFile(head.file, g)) throw new Error(`the result of group ${g} of run ${run} points to ${head.file}, not a file a marsbook worker writes`);
      const body = head.file ? readFileSync(head.file) : parts.body;
      if (!body) throw new Error(`the result stored for group ${g} of run ${run} has no trajectories`);
      const data = unpack<{ group: number; data: TrajectoryData[] }>(body, head.file ?? `the result of group ${g} of run ${run}`).data;
      if (head.file) {
        rmSync(head.file, { force: true });
        folders.add(dirname(head.file));
      }
      const i0 = g * o.spec.batch;
      const expect = Math.min(o.states.length * o.spec.trajectories, i0 + o.spec.batch) - i0;
      if (head.group !== g || data.length !== expect) throw new Error(`the result stored for group ${g} of run ${run} holds group ${head.group} with ${data.length} trajectories (expected ${expect})`);
      results[g] = data;
      stats.resultBytes += head.info.bytes;
      for (const k of ['model', 'sampling', 'worlds', 'steps'] as const) profile[k] += head.info.profile[k];
      for (const k of ['input', 'run', 'encode'] as const) stats.workerSeconds[k] += head.info.seconds[k];
      workers.add(head.info.worker);
      await conn.del(key);
      lastActivity = Date.now();
      o.onProgress(g, 1);
      if (++gathered === o.groups) settle?.resolve();
    } catch (e) {
      fail(e as Error);
    }
  };

  /** The safety net under the events: keys still there, results not announced, failures, idleness. */
  let lastLook = 0;
  const sweep = async (): Promise<void> => {
    const left = pending();
    if (left.length === 0 || failure) return;
    if ((await conn.expire(inputKey(queueName, run), INPUT_TTL_SECONDS)) === 0) {
      // The input is gone: Redis restarted without persistence (or someone deleted it). Store it again.
      stats.restored++;
      await conn.set(inputKey(queueName, run), input, 'EX', INPUT_TTL_SECONDS);
      await enqueue(left);
    }
    // Look at every group left each second while few are left; a large run less often (2,000 groups a second).
    if (Date.now() - lastLook >= Math.min(30_000, left.length / 2)) {
      lastLook = Date.now();
      await look(left);
    }
    const idle = (Date.now() - lastActivity) / 1000;
    if (idle > b.idleTimeout) {
      const n = await queue.getWorkersCount();
      fail(new Error(`simulate: no group finished or progressed for ${Math.round(idle)} s (${gathered}/${o.groups} groups done; ${n} workers on ${where}); start workers with \`npx marsbook worker --redis URL --queue ${queueName}\``));
    }
  };
  /** Results stored but not announced (an event missed), and groups failed for good. */
  const look = async (left: number[]): Promise<void> => {
    const p = conn.pipeline();
    for (const g of left) p.exists(resultKey(queueName, run, g));
    for (const g of left) p.zscore(queue.keys.failed, groupJobId(run, g));
    const r = (await p.exec()) ?? [];
    for (let i = 0; i < left.length; i++) {
      const g = left[i];
      if (r[i]?.[1] === 1) void gather(g, false);
      else if (r[left.length + i]?.[1] != null) {
        const job = await queue.getJob(groupJobId(run, g));
        fail(groupError(g, job?.failedReason ?? 'failed', job?.attemptsMade ?? 0));
        return;
      }
    }
  };

  let sweepTimer: NodeJS.Timeout | null = null;
  try {
    await conn.set(inputKey(queueName, run), input, 'EX', INPUT_TTL_SECONDS);
    // Listen from the event stream's current end, so no event of this run is missed before the first read.
    const last = (await conn.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    events = new QueueEvents(queueName, { connection: open(), prefix: BULL_PREFIX, lastEventId: last, blockingTimeout: 5000 });
    events.on('error', (e: Error) => (lastRedisError = e.message));
    events.on('progress', ({ jobId, data }) => {
      const g = groupOf(jobId);
      if (g < 0 || taken[g] || typeof data !== 'number') return;
      lastActivity = Date.now();
      o.onProgress(g, Math.min(0.999, data));
    });
    events.on('completed', ({ jobId }) => {
      const g = groupOf(jobId);
      if (g >= 0) void gather(g, true);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const g = groupOf(jobId);
      if (g < 0 || taken[g]) return;
      queue.getJob(jobId).then(
        (job) => fail(groupError(g, failedReason, job?.attemptsMade ?? 0)),
        () => fail(groupError(g, failedReason, 0)),
      );
    });
    await events.waitUntilReady();
    await enqueue(Array.from({ length: o.groups }, (_, g) => g));
    await new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
      if (failure) reject(failure);
      let busy = false;
      sweepTimer = setInterval(() => {
        if (busy) return;
        busy = true;
        sweep()
          .catch((e: Error) => {
            lastRedisError = e.message;
            // A sweep that cannot reach Redis still counts idleness.
            const idle = (Date.now() - lastActivity) / 1000;
            if (idle > b.idleTimeout) fail(new Error(`simulate: no group finished or progressed for ${Math.round(idle)} s and Redis at ${maskUrl(b.redis)} does not answer (${lastRedisError})`));
          })
          .finally(() => (busy = false));
      }, 1000);
    });
  } finally {
    if (sweepTimer) clearInterval(sweepTimer);
    // Never hang on a Redis that has gone away: give up tidying after 10 s (the keys expire by themselves).
    await Promise.race([tidy().catch(() => {}), new Promise((r) => setTimeout(r, 10_000).unref())]);
    for (const c of conns) c.disconnect();
  }
  stats.workers = workers.size;
  return { data: (results as TrajectoryData[][]).flat(), profile, stats };

  async function tidy(): Promise<void> {
    await events?.close();
    const left = pending();
    // Groups not gathered (a failed run): drop their jobs. A running one cannot be removed: it finds its
    // input gone when it starts over, or its result expires.
    await Promise.allSettled(left.map((g) => queue.remove(groupJobId(run, g))));
    // The input first: workers store no result once it is gone; then every group's result key (a group
    // run twice, its first worker presumed dead, may have stored its copy again after it was gathered).
    await conn.del(inputKey(queueName, run));
    // Results stored but not gathered (a failed run) that sit in a worker's --out folder: their files go too.
    const p = conn.pipeline();
    for (const g of left) p.getrangeBuffer(resultKey(queueName, run, g), 0, 4095);
    const heads = (await p.exec()) ?? [];
    left.forEach((g, i) => {
      const bytes = heads[i]?.[1];
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) return;
      try {
        const head = unpack<ResultHead>(splitResult(bytes).head);
        if (head.file && ownFile(head.file, g)) {
          rmSync(head.file, { force: true });
          folders.add(dirname(head.file));
        }
      } catch {
        // a head longer than 4 KiB holds no file name
      }
    });
    for (let i = 0; i < o.groups; i += 1000) await conn.del(...Array.from({ length: Math.min(1000, o.groups - i) }, (_, k) => resultKey(queueName, run, i + k)));
    for (const f of folders) rmSync(f, { recursive: true, force: true });
    await queue.close();
  }
}
