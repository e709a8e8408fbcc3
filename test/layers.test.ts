/**
 * The layers of CONTRIBUTING.md: util → data → book → replay / tokenize → model → sim → analysis →
 * plot → notebook, cli. A module imports only from its own folder and the folders before it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const RANK: Record<string, number> = { util: 0, data: 1, book: 2, replay: 3, tokenize: 3, model: 4, sim: 5, analysis: 6, plot: 7, notebook: 8, cli: 9, bench: 10 };

function files(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function layerOf(path: string): string | null {
  const rel = relative(ROOT, path).split('/');
  if (rel[0] === 'bench') return 'bench';
  if (rel[0] === 'src' && rel.length > 2) return rel[1];
  return null; // src/index.ts: the entry point, on top of everything
}

test('no module imports from a layer after its own (no back-arrows, no sideways arrows)', () => {
  const bad: string[] = [];
  let checked = 0;
  for (const f of [...files(join(ROOT, 'src')), ...files(join(ROOT, 'bench'))]) {
    const from = layerOf(f);
    if (!from) continue;
    assert.ok(from in RANK, `${relative(ROOT, f)}: folder ${from} has no place in the layers (add it to CONTRIBUTING.md and this test)`);
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = layerOf(resolve(dirname(f), m[1]));
      checked++;
      if (!to || to === from) continue;
      if (RANK[to] >= RANK[from]) bad.push(`${relative(ROOT, f)} imports ${m[1]} (${from} → ${to})`);
    }
  }
  assert.ok(checked > 200, `only ${checked} imports seen`);
  assert.equal(bad, []);
});

test.run();
