/**
 * Queued runs against local runs on this machine (issue 15's figures): `npm run bench:queue [-- --reps N]`.
 * Starts its own redis-server on a free port and `marsbook worker` processes (the built CLI: run
 * `npm run build` first), and prints one line per run and a JSON summary.
 *
 * - LMM: 32 futures × 1 minute from MarS's demo state in groups of 8 (4 jobs): this thread with one
 *   ONNX thread, then 1, 2 and 3 queue workers (one ONNX thread each).
 * - Per-job overhead: 200 noise groups of one 0.6-second future each (about 2 ms of work): locally and
 *   on 1, 2 and 3 workers; (queued − local) / 200 is what the queue costs per job.
 *
 * On a machine with fewer cores than workers the workers share the cores, so this measures
 * correctness and overhead, not speed-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LargeMarketModel } from '../src/model/lmm';
import { simulate, type SimulateOptions } from '../src/sim/simulate';
import { freePort } from './free-port';

const ROOT = resolve(__dirname, '..');

function started(p: ChildProcess, stream: 'stdout' | 'stderr', text: string, what: string): Promise<void> {
  return new Promise((res, rej) => {
    let seen = '';
    p[stream]!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) res();
    });
    p.once('exit', (c) => rej(new Error(`${what} exited with ${c}: ${seen.slice(-500)}`)));
  });
}

interface Row {
  label: string;
  seconds: number[];
  jobs: number;
  trajectories: number;
}

async function main(): Promise<void> {
  const reps = Number(process.argv[process.argv.indexOf('--reps') + 1] ?? 2) || 2;
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', mkdtempSync(join(tmpdir(), 'marsbook-bench-redis-'))], { stdio: ['ignore', 'pipe', 'pipe'] });
  await started(redis, 'stdout', 'Ready to accept connections', 'redis-server');
  const workers: ChildProcess[] = [];
  const rows: Row[] = [];
  try {
    const model = await LargeMarketModel.load(undefined, { threads: 1 });
    const lmm: SimulateOptions = { model, minutes: 1, trajectories: 32, batch: 8, seed: 1 };
    const tiny: SimulateOptions = { world: 'noise', minutes: 0.01, trajectories: 200, batch: 1, seed: 1 };
    const time = async (label: string, o: SimulateOptions, jobs: number): Promise<void> => {
      const row: Row = { label, seconds: [], jobs, trajectories: o.trajectories };
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        await simulate(o);
        row.seconds.push((performance.now() - t0) / 1000);
      }
      rows.push(row);
      console.log(`${label.padEnd(44)} ${row.seconds.map((s) => s.toFixed(2)).join(' / ')} s  (${(o.trajectories / Math.min(...row.seconds)).toFixed(2)} futures/s at best)`);
    };
    await time('LMM 32 x 1 min, local, this thread', { ...lmm, workers: 0, threads: 1 }, 4);
    await time('noise 200 x 1 job, local, this thread', { ...tiny, workers: 0 }, 200);
    for (const n of [1, 2, 3]) {
      const queue = `bench-${n}`;
      // Workers listen on one queue each: a fresh set of n for this round's queue.
      for (const w of workers.splice(0)) w.kill('SIGTERM');
      await Promise.all(
        Array.from({ length: n }, () => {
          const w = spawn(process.execPath, [join(ROOT, 'bin', 'marsbook.js'), 'worker', '--redis', url, '--queue', queue, '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
          workers.push(w);
          return started(w, 'stdout', 'ready:', 'marsbook worker');
        }),
      );
      await time(`LMM 32 x 1 min, queue, ${n} worker${n > 1 ? 's' : ''}`, { ...lmm, backend: { redis: url, queue } }, 4);
      await time(`noise 200 x 1 job, queue, ${n} worker${n > 1 ? 's' : ''}`, { ...tiny, backend: { redis: url, queue } }, 200);
    }
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    redis.kill('SIGTERM');
  }
  const best = (label: string) => Math.min(...rows.find((r) => r.label === label)!.seconds);
  const local = best('noise 200 x 1 job, local, this thread');
  const overhead = [1, 2, 3].map((n) => ((best(`noise 200 x 1 job, queue, ${n} worker${n > 1 ? 's' : ''}`) - local) / 200) * 1000);
  console.log(JSON.stringify({ rows, perJobOverheadMs: { workers1: overhead[0], workers2: overhead[1], workers3: overhead[2] } }));
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
