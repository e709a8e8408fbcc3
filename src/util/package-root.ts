/** Where the marsbook package is installed: shipped data, kernel files and notebooks are found from it. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The marsbook package root (the folder with its package.json). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'marsbook') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('marsbook: cannot find the package root above ' + __dirname);
    dir = up;
  }
}
