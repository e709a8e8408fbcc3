/**
 * A simulation worker thread: loads the model once, then runs the groups it is sent and posts their
 * trajectories back (typed arrays transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { LargeMarketModel } from '../model/lmm';
import { runGroup, transferables, type GroupProfile, type RunSpec } from './run-group';
import type { StartState } from './start-state';

export type WorkerRequest =
  | { kind: 'init'; modelDir: string | null; threads: number; states: StartState[]; spec: RunSpec }
  | { kind: 'group'; group: number }
  | { kind: 'close' };

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'group'; group: number; data: import('./run-group').TrajectoryData[]; profile: GroupProfile }
  | { kind: 'progress'; group: number; done: number }
  | { kind: 'error'; group: number; message: string };

if (parentPort) {
  const port = parentPort;
  let model: LargeMarketModel | null = null;
  let states: StartState[] | null = null;
  let spec: RunSpec | null = null;
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (msg: WorkerRequest) => {
    queue = queue.then(async () => {
      if (msg.kind === 'init') {
        try {
          model = msg.modelDir ? await LargeMarketModel.load(msg.modelDir, { threads: msg.threads }) : null;
          states = msg.states;
          spec = msg.spec;
          port.postMessage({ kind: 'ready' } satisfies WorkerReply);
        } catch (e) {
          port.postMessage({ kind: 'error', group: -1, message: (e as Error).message } satisfies WorkerReply);
        }
      } else if (msg.kind === 'group') {
        try {
          const profile: GroupProfile = { model: 0, sampling: 0, worlds: 0, steps: 0 };
          const data = await runGroup(states!, spec!, msg.group, {
            model,
            profile,
            onProgress: (done) => port.postMessage({ kind: 'progress', group: msg.group, done } satisfies WorkerReply),
          });
          port.postMessage({ kind: 'group', group: msg.group, data, profile } satisfies WorkerReply, data.flatMap(transferables));
        } catch (e) {
          port.postMessage({ kind: 'error', group: msg.group, message: (e as Error).message } satisfies WorkerReply);
        }
      } else if (msg.kind === 'close') port.close();
    });
  });
}
