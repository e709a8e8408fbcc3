/**
 * The README's code blocks are checks, so they cannot drift from the code.
 *
 * Conventions (for anyone adding to README.md):
 *   - Every ```ts block runs. The blocks run in README order as ONE program (like the cells of a
 *     notebook: a later block may use what an earlier one declared, so names must not be declared
 *     twice), `import * as mb from 'marsbook'` resolving to this package as a user's project would.
 *     The program is type-checked (strict) and then run; it must finish without an error.
 *   - A block that must not run is fenced ```ts no-run: it is skipped entirely (neither checked nor run).
 *   - File names are placeholders mapped to fixtures by FIXTURES below: a string literal in a block
 *     that equals a key is replaced by the fixture's path (the real LOBSTER samples from
 *     ../shared/data/lobster, or a synthetic day the engine writes when they are absent; on the
 *     synthetic day the README's clock times are moved inside it too). A new placeholder needs an
 *     entry here.
 *   - Every ```sh block's commands are checked without being run: `npx marsbook SUB…` must be a
 *     command (`SUB… --help` exits 0), `npm run NAME` a script in package.json, `npm ci` / `npm test`
 *     fine; other programs must be listed in EXTERNAL. A ```sh no-run block is skipped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main';
import { benchExtension } from '../bench/command';
import { scoreStart } from '../src/model/lmm';
import type { OrderTokens } from '../src/tokenize/order-tokens';
import { dayFiles, tempDir } from './helpers';

const ROOT = resolve(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  lang: string;
  info: string;
  code: string;
  /** 1-based line of the block's first code line in README.md. */
  line: number;
}

function blocks(md: string): Block[] {
  const out: Block[] = [];
  const re = /^```(\w*)([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (let m = re.exec(md); m; m = re.exec(md)) {
    out.push({ lang: m[1], info: m[2].trim(), code: m[3], line: md.slice(0, m.index).split('\n').length + 1 });
  }
  return out;
}

const runnable = (b: Block) => !/\bno-run\b/.test(b.info);

/** A small venue CSV in the shape of the README's column mapping (ts in epoch ns, labels A/X/D/E, px ×10,000). */
function venueFixture(dir: string): string {
  const t0 = 1_340_285_400_000_000_000n; // 2012-06-21 09:30:00 New York, in ns
  const rows = ['ts,event,ref,qty,px,side'];
  const at = (ms: number) => String(t0 + BigInt(ms) * 1_000_000n);
  rows.push(`${at(100)},A,1,100,10.01,B`, `${at(200)},A,2,50,10.02,S`, `${at(300)},E,2,20,10.02,S`, `${at(400)},X,1,40,10.01,B`, `${at(500)},D,1,60,10.01,B`);
  const path = join(dir, 'ticks.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

/** Placeholder file names in the README → real paths. */
function fixtures(dir: string): Record<string, string> {
  const goog = dayFiles('GOOG', 10);
  // The synthetic day runs 09:30–10:45: the README's clock times move inside it, keeping their order.
  const times: Record<string, string> = goog.real ? {} : { '10:00': '09:40', '11:00': '09:50', '12:00': '10:00', '15:00': '10:10', '15:30': '10:20' };
  return {
    'GOOG_..._message_10.csv.gz': goog.messages,
    'GOOG_..._orderbook_10.csv.gz': goog.orderbook,
    'ticks.csv': venueFixture(dir),
    ...times,
  };
}

function program(ts: Block[], map: Record<string, string>): string {
  const imports = new Set<string>();
  const body: string[] = [];
  for (const b of ts) {
    body.push(`// README.md line ${b.line}`);
    for (const line of b.code.split('\n')) {
      if (/^import .* from '[^']+';\s*$/.test(line)) {
        imports.add(line.trim());
        body.push('');
        continue;
      }
      body.push(line.replace(/'([^'\n]*)'/g, (lit, s: string) => (s in map ? JSON.stringify(map[s]) : lit)));
    }
  }
  return [...imports, 'async function readme(): Promise<void> {', ...body, '}', 'readme().catch((e) => { console.error(e); process.exit(1); });', ''].join('\n');
}

test('the README ```ts blocks type-check and run as one program, as a user would run them', () => {
  const ts = blocks(README).filter((b) => b.lang === 'ts' && runnable(b));
  assert.ok(ts.length >= 4, `found ${ts.length} ts blocks`);
  const dir = tempDir('marsbook-readme-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'marsbook'));
  const file = join(dir, 'readme.ts');
  writeFileSync(file, program(ts, fixtures(dir)));
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', 'commonjs', '--moduleResolution', 'node10', '--esModuleInterop', '--skipLibCheck', '--noUnusedLocals', 'false', '--typeRoots', join(ROOT, 'node_modules', '@types'), '--types', 'node', file],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.is(tsc.status, 0, `the README's TypeScript does not type-check (${file}):\n${tsc.stdout}${tsc.stderr}`);
  const run = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), file], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  assert.is(run.status, 0, `the README's TypeScript failed when run (${file}):\n${run.stderr.slice(-3000)}`);
});

/** Programs a ```sh block may name that are not marsbook's to check. */
const EXTERNAL = new Set(['jupyter', 'redis-server']);

test('the README ```sh blocks name commands that exist', async () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const sh = blocks(README).filter((b) => b.lang === 'sh' && runnable(b));
  assert.ok(sh.length >= 2);
  let checked = 0;
  for (const b of sh) {
    b.code.split('\n').forEach((raw, k) => {
      const where = `README.md line ${b.line + k}`;
      for (const cmd of raw.replace(/#.*$/, '').split('&&').map((c) => c.trim()).filter(Boolean)) {
        const words = cmd.split(/\s+/);
        checked++;
        if (words[0] === 'npx' && words[1] === 'marsbook') {
          const sub = words.slice(2).filter((w, i, a) => !w.startsWith('-') && a.slice(0, i).every((p) => !p.startsWith('-')));
          const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
          pending.push(main([...sub, '--help'], io, [benchExtension]).then((code) => assert.is(code, 0, `${where}: \`${cmd}\` is not a marsbook command: ${io.stderr}`)));
        } else if (words[0] === 'npm' && words[1] === 'run') {
          assert.ok(words[2] in scripts, `${where}: no npm script "${words[2]}"`);
        } else if (words[0] === 'npm') {
          assert.ok(['ci', 'install', 'test'].includes(words[1]), `${where}: unexpected npm command \`${cmd}\``);
        } else {
          assert.ok(EXTERNAL.has(words[0]), `${where}: \`${words[0]}\` is neither marsbook, npm nor a known program (EXTERNAL in test/readme.test.ts)`);
        }
      }
    });
  }
  await Promise.all(pending);
  assert.ok(checked >= 5);
});
const pending: Array<Promise<void>> = [];

test("lmm.score's `from` takes a token index or a time of day, and says clearly what else it wants", () => {
  const tokens = { time: Float64Array.from([34_200, 50_000, 54_000, 54_001, 57_000]) } as unknown as OrderTokens;
  assert.is(scoreStart(tokens, undefined), 1);
  assert.is(scoreStart(tokens, 3), 3);
  assert.is(scoreStart(tokens, '15:00'), 2);
  assert.is(scoreStart(tokens, '15:00:00.5'), 3);
  assert.throws(() => scoreStart(tokens, 'quarter past'), /from must be a token index or a time of day 'HH:MM' or 'HH:MM:SS' \(found "quarter past"\)/);
  assert.throws(() => scoreStart(tokens, -2), /non-negative integer/);
});

test.run();
