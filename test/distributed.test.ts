/**
 * Distributed rollouts on a real Redis (Debian's redis-server, started here on free ports) with real
 * worker processes (`marsbook worker`, run from the sources): a queued run gives the bytes of a local
 * run with 1 or 3 workers; a worker killed with SIGKILL mid-group, a worker stopped with SIGTERM
 * mid-group and a Redis restart mid-run still end in the same bytes; a poisoned group ends the run with
 * its error; a worker refuses a model it does not have; no workers means a clear timeout; a password and
 * TLS work and a wrong password is a clear error. Nothing mocks Redis.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { LargeMarketModel, shippedModelDir, modelIdentity } from '../src/model/lmm';
import { simulate, simulateStarts, type SimulateOptions } from '../src/sim/simulate';
import { startFromNoise } from '../src/sim/start-state';
import { runImpactExperiment } from '../src/sim/impact-experiment';
import { OrderTokenizer } from '../src/tokenize/order-tokenizer';
import type { Trajectories } from '../src/sim/trajectories';
import { pack, unpack } from '../src/sim/wire';
import { bullmq, connect, BULL_PREFIX } from '../src/sim/queue';
import { main } from '../src/cli/main';
import { capture, tempDir } from './helpers';
import { freePort } from '../bench/free-port';

const ROOT = resolve(__dirname, '..');
/**
 * A self-signed certificate for localhost / 127.0.0.1 (EC P-256, valid until 2126) and its key, made with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=localhost
 * -addext subjectAltName=DNS:localhost,IP:127.0.0.1`; committed (CI images may lack openssl). It protects nothing.
 */
const TLS = join(__dirname, 'fixtures', 'tls');
const children: ChildProcess[] = [];
const LOCK = '3'; // seconds: a killed worker's group is back in the queue within a few seconds

/** Every byte of every trajectory (all columns, the LOBSTER messages, stats and agents' reports). */
function digest(r: Trajectories): string {
  const h = createHash('sha256');
  for (const t of r.data) {
    h.update(`${t.start}/${t.index}`);
    for (const part of [t.orders, t.trades, t.snapshots, t.messages ?? {}] as Array<Record<string, Float64Array>>) {
      for (const [k, a] of Object.entries(part)) h.update(`${k}:${a[Symbol.toStringTag]}:`).update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    }
    h.update(JSON.stringify(t.stats)).update(JSON.stringify(t.agents));
  }
  return h.digest('hex');
}

async function within<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: no answer in ${seconds} s`)), seconds * 1000)))]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  port: number;
  url: string;
  proc: ChildProcess;
  args: string[];
}

/** A real redis-server on a free port, no persistence (a restart loses everything). */
async function startRedis(extra: string[] = [], port?: number, scheme = 'redis', auth = ''): Promise<Server> {
  port ??= await freePort();
  const dir = tempDir('marsbook-redis-');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '-::1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  if (extra.includes('--tls-port')) args[1] = '0';
  const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  await within(
    new Promise<void>((res, rej) => {
      proc.on('error', (e) => rej(new Error(`redis-server did not start (${e.message}): install it (apt-get install redis-server)`)));
      proc.on('exit', (c) => rej(new Error(`redis-server exited with ${c}: ${log.slice(-500)}`)));
      const check = (): unknown => (/Ready to accept connections/.test(log) ? res() : setTimeout(check, 50));
      check();
    }),
    20,
    'redis-server start',
  );
  return { port, url: `${scheme}://${auth}127.0.0.1:${port}`, proc, args: extra };
}

async function stop(p: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  if (p.exitCode !== null || p.signalCode !== null) return p.exitCode;
  const done = new Promise<number | null>((res) => p.once('exit', (code) => res(code)));
  p.kill(signal);
  return within(done, 60, `process ${p.pid} to exit after ${signal}`);
}

interface WorkerProc {
  name: string;
  proc: ChildProcess;
  log: () => string;
}

/** A `marsbook worker` process run from the sources; resolves once it takes jobs. */
async function startWorker(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<WorkerProc> {
  const argv = ['worker', '--name', name, '--lock-seconds', LOCK, '--threads', '1', ...args];
  const code = `require(${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))}).main(${JSON.stringify(argv)}).then((c) => { process.exitCode = c; })`;
  const proc = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', code], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await within(
    new Promise<void>((res, rej) => {
      proc.on('exit', (c) => rej(new Error(`worker ${name} exited with ${c}: ${err.slice(-800)}`)));
      const check = (): unknown => (out.includes('ready:') ? res() : setTimeout(check, 50));
      check();
    }),
    60,
    `worker ${name} start`,
  );
  return { name, proc, log: () => err };
}

/** The name of a worker running a group of the queue now (waits for one). */
async function busyWorker(url: string, queueName: string, among: string[]): Promise<string> {
  const c = connect(url);
  const q = new (bullmq().Queue)(queueName, { connection: c, prefix: BULL_PREFIX });
  try {
    for (let i = 0; i < 600; i++) {
      for (const j of await q.getActive()) if (j.processedBy && among.includes(j.processedBy)) return j.processedBy;
      await sleep(50);
    }
    throw new Error(`no worker of ${among.join(', ')} ran a group on '${queueName}' within 30 s`);
  } finally {
    await q.close();
    c.disconnect();
  }
}

async function runKeys(url: string): Promise<string[]> {
  const c: Redis = connect(url);
  try {
    return await c.keys('marsbook-run:*');
  } finally {
    c.disconnect();
  }
}

let redis: Server;
const workers: WorkerProc[] = [];
let model: LargeMarketModel;

test.before(async () => {
  redis = await startRedis();
  // Three workers on the default queue, and one alone on queue 'solo' (the one-worker runs).
  const started = await Promise.all(['w1', 'w2', 'w3', 'solo'].map((n) => startWorker(n, ['--redis', redis.url, ...(n === 'solo' ? ['--queue', 'solo'] : [])])));
  workers.push(...started.slice(0, 3));
  model = await LargeMarketModel.load(undefined, { threads: 1 });
});

test.after(async () => {
  await Promise.all(children.map((c) => stop(c).catch(() => null)));
});

test('the wire format: typed arrays as raw bytes (views too), NaN, ±Infinity and −0 kept, bad bytes a clear error', () => {
  const big = new Float64Array([1, 2, 3, 4, 5]);
  const value = { a: new Int8Array([-1, 2]), b: big.subarray(1, 4), c: [NaN, Infinity, -Infinity, -0, 0.1, null, 'x', true], d: { e: new Uint8Array(0), f: new Int32Array([7]), g: undefined } };
  const bytes = pack(value);
  const back = unpack<typeof value>(bytes);
  assert.instance(back.a, Int8Array);
  assert.equal(Array.from(back.a), [-1, 2]);
  assert.instance(back.b, Float64Array);
  assert.equal(Array.from(back.b), [2, 3, 4]);
  assert.ok(Number.isNaN(back.c[0] as number));
  assert.equal(back.c.slice(1, 3), [Infinity, -Infinity]);
  assert.ok(Object.is(back.c[3], -0));
  assert.equal(back.c.slice(4), [0.1, null, 'x', true]);
  assert.is(back.d.e.length, 0);
  assert.equal(Array.from(back.d.f), [7]);
  assert.not.ok('g' in back.d);
  // Raw bytes, not JSON numbers: 5 doubles cost 40 bytes of body (plus the small header).
  assert.ok(pack({ x: new Float64Array(1000) }).length < 8000 + 100);
  assert.throws(() => unpack(Buffer.from('not wire data at all'), 'the input of run x'), /the input of run x: not marsbook wire data/);
  assert.throws(() => unpack(bytes.subarray(0, bytes.length - 8), 'cut'), /cut: array reference .* is not inside/);
  assert.throws(() => pack({ m: new Map() }), /value\.m is a Map, not plain data/);
});

test('noise world: a local run, 1 queue worker and 3 queue workers give byte-identical futures; the run leaves no keys', async () => {
  const o: SimulateOptions = { world: 'noise', minutes: 1, trajectories: 12, batch: 2, seed: 11 };
  const local = await simulate({ ...o, workers: 0 });
  const one = await within(simulate({ ...o, backend: { redis: redis.url, queue: 'solo' } }), 60, 'queued noise run');
  assert.is(one.count, 12);
  assert.is(one.timing.queue?.jobs, 6);
  assert.is(one.timing.workers, 1);
  assert.is(digest(one), digest(local));
  assert.ok(local.totals().ordersGenerated > 1000);
  const three = await within(simulate({ ...o, backend: { redis: redis.url } }), 60, 'queued noise run, 3 workers');
  assert.is(digest(three), digest(local));
  assert.equal(await runKeys(redis.url), []);
  // Several starts in one run (simulateStarts) travel too, start by start.
  const tok = OrderTokenizer.load('pooled');
  const starts = [startFromNoise(tok, { seed: 1 }), startFromNoise(tok, { seed: 2, start: '13:00' })];
  const so = { world: 'noise' as const, starts, minutes: 0.5, trajectories: 3, batch: 2, seed: 4 };
  const a = await simulateStarts({ ...so, workers: 0 });
  const b = await within(simulateStarts({ ...so, backend: { redis: redis.url } }), 60, 'queued simulateStarts');
  assert.equal(b.map(digest), a.map(digest));
  // The impact experiment (control futures, then a metaorder on the same seeds) runs on the queue as well.
  const io = { world: 'noise' as const, sizes: [0.2], duration: 30, after: 0.5, trajectories: 2, batch: 2, seed: 3 };
  const ia = await runImpactExperiment({ ...io, workers: 0 });
  const ib = await within(runImpactExperiment({ ...io, backend: { redis: redis.url } }), 60, 'queued impact experiment');
  const runs = (e: typeof ia) => [e.control, ...e.runs.map((r) => r.trajectories)].map(digest);
  assert.equal(runs(ib), runs(ia));
  assert.ok(ia.runs[0].trajectories.data[0].agents[0]!.filled > 0);
});

test('LMM world: 3 queue workers give the bytes of a local run; the job names the model by content hash', async () => {
  const o: SimulateOptions = { model, minutes: 0.1, trajectories: 6, batch: 2, seed: 5 };
  const local = await simulate({ ...o, workers: 0 });
  const queued = await within(simulate({ ...o, backend: { redis: redis.url } }), 90, 'queued LMM run');
  assert.is(digest(queued), digest(local));
  assert.ok(local.totals().ordersGenerated > 50, `only ${local.totals().ordersGenerated} orders`);
  assert.ok(queued.timing.workers >= 2, `${queued.timing.workers} workers ran the 3 groups`);
  assert.ok(queued.timing.profile.steps > 0);
  assert.is(model.identity().hash, modelIdentity(shippedModelDir()).hash);
  assert.match(model.identity().hash, /^[0-9a-f]{64}$/);
});

test('a worker killed with SIGKILL mid-group: its group runs again elsewhere and the run ends identical, nothing counted twice', async () => {
  const o: SimulateOptions = { model, minutes: 0.25, trajectories: 6, batch: 2, seed: 8 };
  const local = await simulate({ ...o, workers: 0 });
  const run = within(simulate({ ...o, backend: { redis: redis.url } }), 120, 'queued run with a killed worker');
  run.catch(() => {}); // awaited below; a failed check before that must not leave it unhandled
  const victim = await busyWorker(redis.url, 'marsbook', workers.map((w) => w.name));
  const w = workers.splice(workers.findIndex((x) => x.name === victim), 1)[0];
  await stop(w.proc, 'SIGKILL');
  const r = await run;
  assert.is(r.count, 6);
  assert.equal(r.data.map((t) => t.index), [0, 1, 2, 3, 4, 5]);
  assert.is(digest(r), digest(local));
  assert.equal(await runKeys(redis.url), []);
  workers.push(await startWorker('w4', ['--redis', redis.url]));
});

test('SIGTERM mid-group: the worker finishes its group, then exits 0; the run ends identical', async () => {
  const o: SimulateOptions = { model, minutes: 0.2, trajectories: 4, batch: 2, seed: 9 };
  const local = await simulate({ ...o, workers: 0 });
  const run = within(simulate({ ...o, backend: { redis: redis.url } }), 120, 'queued run with a stopped worker');
  run.catch(() => {});
  const name = await busyWorker(redis.url, 'marsbook', workers.map((w) => w.name));
  const w = workers.splice(workers.findIndex((x) => x.name === name), 1)[0];
  const code = await stop(w.proc, 'SIGTERM');
  assert.is(code, 0, w.log());
  assert.match(w.log(), /SIGTERM: finishing the running groups/);
  // The group it held when told to stop finished there, after the signal.
  assert.match(w.log().split('SIGTERM: finishing')[1], /group \d of run [0-9a-f]{8}: [\d.]+ s, \d+ KiB/);
  assert.match(w.log(), /stopped after [1-9]\d* groups \(0 failed\)/);
  assert.not.match(w.log(), /exiting now/); // not forced: the group finished here
  assert.is(digest(await run), digest(local));
});

test('Redis restarting mid-run (without persistence: every key lost): the caller stores the run again and it ends identical', async () => {
  const o: SimulateOptions = { model, minutes: 0.2, trajectories: 8, batch: 2, seed: 12 };
  const local = await simulate({ ...o, workers: 0 });
  let restarted: Promise<void> | null = null;
  const r = await within(
    simulate({
      ...o,
      backend: { redis: redis.url },
      onProgress: (done) => {
        // Restart as soon as a group reports progress: the others are queued or running.
        if (done > 0 && !restarted) {
          restarted = (async () => {
            await stop(redis.proc, 'SIGKILL');
            await sleep(300);
            redis = await startRedis(redis.args, redis.port);
          })();
        }
      },
    }),
    120,
    'queued run across a Redis restart',
  );
  assert.ok(restarted, 'Redis was restarted');
  await restarted;
  assert.ok((r.timing.queue?.restored ?? 0) >= 1, `restored ${r.timing.queue?.restored}`);
  assert.is(digest(r), digest(local));
});

test('a poisoned group (fails on every attempt) ends the run with its error, without hanging', async () => {
  // A replay world needs a real day's continuation; a noise warm-up state has none: every attempt fails.
  const t0 = Date.now();
  let err = '';
  await within(simulate({ world: 'replay', minutes: 0.1, trajectories: 2, batch: 1, seed: 1, backend: { redis: redis.url, attempts: 2 } }), 60, 'poisoned run').catch((e: Error) => (err = e.message));
  assert.match(err, /^simulate: group [01] failed on queue 'marsbook' at redis:\/\/127\.0\.0\.1:\d+ after 2 attempts: a replay world needs a start state from a real day/);
  assert.ok(Date.now() - t0 < 30_000);
  assert.equal(await runKeys(redis.url), []);
});

test("a worker refuses a group for a model it does not have (another content hash), and the run says so", async () => {
  // The same model with one byte more in its tokenizer file: same name, another hash.
  const stale = join(tempDir('marsbook-stale-model-'), model.identity().name);
  cpSync(shippedModelDir(), stale, { recursive: true });
  appendFileSync(join(stale, 'tokenizer.json'), '\n');
  assert.is.not(modelIdentity(stale).hash, model.identity().hash);
  const w = await startWorker('stale', ['--redis', redis.url, '--queue', 'stale', '--model', stale, '--max-result-mb', '0.01']);
  let err = '';
  await within(simulate({ model, minutes: 0.1, trajectories: 2, batch: 2, seed: 1, backend: { redis: redis.url, queue: 'stale' } }), 60, 'refused run').catch((e: Error) => (err = e.message));
  const want = model.identity().hash.slice(0, 12);
  const has = modelIdentity(stale).hash.slice(0, 12);
  const name = model.identity().name;
  assert.match(err, new RegExp(`group 0 failed on queue 'stale'.*worker stale refused group 0: it needs model ${name} \\(sha256 ${want}…\\), this worker has ${name} \\(sha256 ${has}…\\)`));
  assert.not.match(err, /after \d attempts/); // refused at once, not retried
  // The same worker, a result over its Redis limit (10 KiB here) and no --out folder: a clear error.
  await within(simulate({ world: 'noise', minutes: 0.5, trajectories: 2, batch: 2, seed: 1, backend: { redis: redis.url, queue: 'stale' } }), 60, 'too large').catch((e: Error) => (err = e.message));
  assert.match(err, /group 0: its trajectories take 0\.\d\d MiB, over this worker's 0\.01 MiB limit for results in Redis; start workers with --out DIR/);
  assert.is(await stop(w.proc, 'SIGTERM'), 0);
});

test('results over the Redis limit travel through the shared --out folder, and the run tidies it', async () => {
  const out = tempDir('marsbook-shared-');
  const w = await startWorker('big', ['--redis', redis.url, '--queue', 'big', '--out', out, '--max-result-mb', '0.01']);
  const o: SimulateOptions = { world: 'noise', minutes: 0.5, trajectories: 4, batch: 2, seed: 2, levels: 5 };
  const local = await simulate({ ...o, workers: 0 });
  const queued = await within(simulate({ ...o, backend: { redis: redis.url, queue: 'big' } }), 60, 'run through --out');
  assert.is(digest(queued), digest(local));
  assert.ok(queued.timing.queue!.resultBytes > 2 * 0.01 * 2 ** 20);
  assert.equal(readdirSync(join(out, 'big')), []);
  assert.equal(await runKeys(redis.url), []);
  assert.is(await stop(w.proc, 'SIGTERM'), 0);
});

test('no worker on the queue: the run fails after its idle timeout, saying why', async () => {
  let err = '';
  const t0 = Date.now();
  await within(simulate({ world: 'noise', minutes: 0.1, trajectories: 2, seed: 1, backend: { redis: redis.url, queue: 'nobody', idleTimeout: 2 } }), 30, 'idle run').catch((e: Error) => (err = e.message));
  assert.match(err, /no group finished or progressed for [23] s \(0\/1 groups done; 0 workers on queue 'nobody'.*npx marsbook worker --redis URL --queue nobody/);
  assert.ok(Date.now() - t0 < 10_000);
  assert.equal(await runKeys(redis.url), []);
  let bad = '';
  await simulate({ world: 'noise', minutes: 0.1, trajectories: 2, seed: 1, backend: { redis: 'http://x' } }).catch((e: Error) => (bad = e.message));
  assert.match(bad, /backend\.redis must be a redis:\/\/ or rediss:\/\/ URL, got "http:\/\/x"/);
});

test('a password and TLS (rediss://): generate --redis through a worker matches a local generate; a wrong password is a clear error that hides it', async () => {
  const pw = 'sekrit-pw';
  const port = await freePort();
  const tls = await startRedis(['--tls-port', String(port), '--tls-cert-file', join(TLS, 'cert.pem'), '--tls-key-file', join(TLS, 'key.pem'), '--tls-ca-cert-file', join(TLS, 'cert.pem'), '--tls-auth-clients', 'no', '--requirepass', pw], port, 'rediss', `:${pw}@`);
  const env = { NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem') };
  await startWorker('tls', ['--redis', tls.url, '--queue', 'secure'], env);
  const args = ['generate', '--world', 'noise', '--minutes', '0.5', '--trajectories', '4', '--batch', '2', '--seed', '5', '--json'];
  const io = capture();
  assert.is(await main(args, io), 0, io.stderr);
  const local = JSON.parse(io.stdout) as { summaries: unknown[]; ordersGenerated: number; queue: unknown };
  const cli = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', `require(${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))}).main(${JSON.stringify([...args, '--redis', tls.url, '--queue', 'secure'])}).then((c) => { process.exitCode = c; })`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.is(cli.status, 0, cli.stderr);
  const queued = JSON.parse(cli.stdout) as typeof local;
  assert.equal(queued.summaries, local.summaries);
  assert.is(queued.ordersGenerated, local.ordersGenerated);
  assert.equal(queued.queue, { name: 'secure', jobs: 2, workers: 1 });
  assert.is(local.queue, null);
  // In-process: the TLS option (a private CA), and a wrong password.
  let err = '';
  const wrong = tls.url.replace(pw, 'not-the-password');
  await simulate({ world: 'noise', minutes: 0.1, trajectories: 2, seed: 1, backend: { redis: wrong, tls: { ca: readFileSync(join(TLS, 'cert.pem')) } } }).catch((e: Error) => (err = e.message));
  assert.match(err, /^simulate: cannot use Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
  assert.not.match(err, /not-the-password/);
});

test.run();
