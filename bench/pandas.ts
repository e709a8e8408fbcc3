/**
 * The same load in pandas, run side by side when a Python with pandas is installed (Debian's
 * python3-pandas: /usr/bin/python3), so the speed claim is measured on this machine, not quoted.
 */
import { spawnSync } from 'node:child_process';

const SCRIPT = `
import sys, time, statistics
import pandas as pd
msgs, book, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def load():
    m = pd.read_csv(msgs, header=None)
    b = pd.read_csv(book, header=None)
    return len(m) + len(b)
load()
times = []
for _ in range(runs):
    t0 = time.perf_counter(); load(); times.append(time.perf_counter() - t0)
print(statistics.median(times), pd.__version__)
`;

export interface PandasTiming {
  seconds: number;
  version: string;
  python: string;
}

/** Median seconds for pandas.read_csv of both files, or null when no Python with pandas is found. */
export function pandasLoadSeconds(messages: string, orderbook: string, runs = 5): PandasTiming | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', SCRIPT, messages, orderbook, String(runs)], { encoding: 'utf8', timeout: 300_000 });
    if (r.status === 0) {
      const [secs, version] = r.stdout.trim().split(/\s+/);
      return { seconds: Number(secs), version, python };
    }
  }
  return null;
}
