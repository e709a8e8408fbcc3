/**
 * Fuzz test of the loaders (`loadLobster`, `loadLobsterSync`, `loadVenueCsv`) and the `replay` command:
 * real (the samples, cut short) and synthetic files, corrupted at random with a seeded generator —
 * flipped bytes, cut lines, truncated and damaged gzip, CRLF, BOM, blank and trailing lines, huge and
 * negative numbers, NaN/Infinity, swapped columns, duplicated, dropped and reordered rows, and more.
 *
 * Every case must end in a result or a `DataError` naming one of its files: never another exception,
 * a hang or a crash. In collect mode every line of every file must be accounted for: kept, bad, blank
 * or unpaired (and, for files the fuzzer can count itself, as many lines as the file has).
 *
 * A few thousand cases run by default; `MARSBOOK_FUZZ_CASES=100000 npm run fuzz` runs more, and
 * `MARSBOOK_FUZZ_SEED=n` changes the seed (a failure prints the seed and case to replay it with
 * `MARSBOOK_FUZZ_ONLY=case`).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadLobster, loadLobsterSync, type LobsterData } from '../src/data/lobster-load';
import { loadVenueCsv, type VenueCsvMapping, type VenueData } from '../src/data/venue-csv';
import { DataError } from '../src/data/errors';
import { replayLobster } from '../src/replay/lobster-replay';
import { summarizeDay } from '../src/analysis/day-summary';
import { syntheticLobsterDay } from '../src/sim/synthetic-day';
import { Rng } from '../src/util/rng';
import { main } from '../src/cli/main';
import { realSample, tempDir, capture } from './helpers';

const CASES = Number(process.env.MARSBOOK_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.MARSBOOK_FUZZ_SEED ?? 20_261_125);
const ONLY = process.env.MARSBOOK_FUZZ_ONLY === undefined ? null : Number(process.env.MARSBOOK_FUZZ_ONLY);
/** One case taking longer than this is reported as a hang. */
const CASE_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------- base files (small)

interface Base {
  name: string;
  symbol: string;
  levels: number;
  messages: string;
  orderbook: string;
}

function cut(text: string, rows: number): string {
  const lines = text.split('\n');
  return lines.slice(0, rows).join('\n') + '\n';
}

function bases(): Base[] {
  const out: Base[] = [];
  for (const [symbol, levels] of [['GOOG', 10], ['AMZN', 5], ['AMZN', 1]] as const) {
    const s = realSample(symbol, levels);
    if (!s) continue;
    const rows = 400;
    out.push({
      name: `real ${symbol} ${levels}`,
      symbol,
      levels,
      messages: cut(gunzipSync(readFileSync(s.messages)).subarray(0, 200_000).toString('latin1'), rows),
      orderbook: cut(gunzipSync(readFileSync(s.orderbook)).subarray(0, 800_000).toString('latin1'), rows),
    });
  }
  for (const levels of [1, 3]) {
    const csv = syntheticLobsterDay({ seed: 300 + levels, events: 400, levels }).toCsv();
    out.push({ name: `synthetic level ${levels}`, symbol: 'SYNTH', levels, messages: csv.messages, orderbook: csv.orderbook });
  }
  // A newer export: 7 columns (MPID), an opening cross with id -1, a halt and its resumption.
  const csv = syntheticLobsterDay({ seed: 305, events: 300, levels: 2 }).toCsv();
  const msg = csv.messages.trimEnd().split('\n');
  const book = csv.orderbook.trimEnd().split('\n');
  const m = [`${msg[0].split(',')[0]},6,-1,900,${book[0].split(',')[0]},-1,null`];
  const o = [book[0]];
  for (let k = 1; k < msg.length; k++) {
    m.push(`${msg[k]},${k % 3 ? 'null' : 'UBSS'}`);
    o.push(book[k]);
    if (k === 150) {
      for (const code of [-1, 0, 1]) {
        m.push(`${msg[k].split(',')[0]},7,0,0,${code},-1,null`);
        o.push(book[k]);
      }
    }
  }
  out.push({ name: 'synthetic 7-column export', symbol: 'XMPL', levels: 2, messages: m.join('\n') + '\n', orderbook: o.join('\n') + '\n' });
  return out;
}

/** A venue file (header, labels, decimal prices) made from a LOBSTER message file. */
function venueText(messages: string): string {
  const labels = ['', 'A', 'X', 'D', 'E', 'H', 'C', 'T'];
  const rows = messages
    .trimEnd()
    .split('\n')
    .map((l) => {
      const [t, type, id, size, price, dir] = l.split(',');
      return `${t},${labels[Number(type)]},${id},${size},${(Number(price) / 10_000).toFixed(4)},${dir === '1' ? 'B' : 'S'}`;
    });
  return ['ts,event,ref,qty,px,side', ...rows].join('\n') + '\n';
}

const VENUE_MAPPING: VenueCsvMapping = {
  columns: { time: 'ts', type: 'event', id: 'ref', size: 'qty', price: 'px', side: 'side' },
  types: { A: 'submit', X: 'cancel', D: 'delete', E: 'execute', H: 'execute_hidden', C: 'cross', T: 'halt' },
  priceScale: 10_000,
};

// ---------------------------------------------------------------- corruptions

type Lines = string[];
type TextMutation = (lines: Lines, r: Rng) => Lines;

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(xs.length)];
const SPECIAL = ['NaN', 'Infinity', '-Infinity', 'inf', '', ' ', '1e400', '-1e400', '0e999', '1e', '--1', '1.2.3', '0x1F', '9'.repeat(400), '99999999999999999999', '-0', '+5', '1e15', '4294967296', '2147483648', '-9999999999', '9999999999', '0', '-1', '1.5', '.', '-', 'null', '"1"', '1,2'];

function mutateField(lines: Lines, r: Rng, f: (cell: string) => string): Lines {
  if (lines.length === 0) return lines;
  const k = r.int(lines.length);
  const cells = lines[k].split(',');
  const c = r.int(cells.length);
  cells[c] = f(cells[c]);
  lines[k] = cells.join(',');
  return lines;
}

const TEXT_MUTATIONS: Record<string, TextMutation> = {
  cutLine: (l, r) => {
    const k = r.int(l.length);
    if (l.length) l[k] = l[k].slice(0, r.int(l[k].length + 1));
    return l;
  },
  blankLines: (l, r) => {
    for (let n = 1 + r.int(3); n > 0; n--) l.splice(r.int(l.length + 1), 0, pick(r, ['', '', ' ', '\t', '\r']));
    return l;
  },
  trailingLines: (l, r) => [...l, ...Array.from({ length: 1 + r.int(4) }, () => pick(r, ['', '', '\r', ' ']))],
  hugeNumber: (l, r) => mutateField(l, r, () => pick(r, ['1e308', '1e400', '9'.repeat(30 + r.int(400)), '123456789012345678901234567890', '9007199254740993'])),
  negative: (l, r) => mutateField(l, r, (c) => (c.startsWith('-') ? c.slice(1) : `-${c}`)),
  special: (l, r) => mutateField(l, r, () => pick(r, SPECIAL)),
  digitFlip: (l, r) => mutateField(l, r, (c) => (c.length ? c.slice(0, r.int(c.length)) + String(r.int(10)) + c.slice(r.int(c.length) + 1) : c)),
  swapColumns: (l, r) => {
    const cols = l[0]?.split(',').length ?? 0;
    if (cols < 2) return l;
    const a = r.int(cols);
    const b = r.int(cols);
    const all = r.float() < 0.5;
    return l.map((line, k) => {
      if (!all && k !== r.int(l.length)) return line;
      const c = line.split(',');
      [c[a], c[b]] = [c[b], c[a]];
      return c.join(',');
    });
  },
  duplicateRows: (l, r) => {
    const k = r.int(l.length);
    const n = 1 + r.int(3);
    l.splice(k, 0, ...l.slice(k, k + n));
    return l;
  },
  dropRow: (l, r) => {
    l.splice(r.int(l.length), 1 + r.int(2));
    return l;
  },
  reorderRows: (l, r) => {
    for (let n = 1 + r.int(3); n > 0 && l.length > 1; n--) {
      const a = r.int(l.length);
      const b = Math.min(l.length - 1, a + 1 + r.int(5));
      [l[a], l[b]] = [l[b], l[a]];
    }
    return l;
  },
  extraColumn: (l, r) => mutateField(l, r, (c) => `${c},${r.int(100)}`),
  header: (l, r) => [pick(r, ['Time,Type,OrderID,Size,Price,Direction', 'askPrice1,askSize1,bidPrice1,bidSize1', 'a,b', '#comment']), ...l],
  longLine: (l, r) => {
    l.splice(r.int(l.length + 1), 0, pick(r, ['1', 'x', ',']).repeat(50_000 + r.int(100_000)));
    return l;
  },
  whitespace: (l, r) => mutateField(l, r, (c) => pick(r, [` ${c}`, `${c} `, `\t${c}`])),
  keepFew: (l, r) => l.slice(0, r.int(4)),
};

type ByteMutation = (b: Buffer, r: Rng) => Buffer;
const BYTE_MUTATIONS: Record<string, ByteMutation> = {
  flipBytes: (b, r) => {
    const out = Buffer.from(b);
    for (let n = 1 + r.int(4); n > 0 && out.length; n--) out[r.int(out.length)] ^= 1 + r.int(255);
    return out;
  },
  printableByte: (b, r) => {
    const out = Buffer.from(b);
    if (out.length) out[r.int(out.length)] = pick(r, [44, 10, 13, 45, 46, 48, 57, 101, 32, 0, 0xff]);
    return out;
  },
  truncateBytes: (b, r) => b.subarray(0, r.int(b.length + 1)),
  crlf: (b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
  crOnly: (b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r'), 'latin1'),
  bom: (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
  noFinalNewline: (b) => (b.length && b[b.length - 1] === 10 ? b.subarray(0, b.length - 1) : b),
  empty: () => Buffer.alloc(0),
};

type GzMutation = 'truncate' | 'flip' | 'garbageAfter' | 'none';

interface FileCase {
  bytes: Buffer;
  gz: GzMutation | null;
  /** Lines a reader must see, when the fuzzer can tell (plain files), else null. */
  lines: number | null;
  steps: string[];
}

function countLines(b: Buffer): number {
  let n = 0;
  for (let k = b.indexOf(10); k >= 0; k = b.indexOf(10, k + 1)) n++;
  return b.length > 0 && b[b.length - 1] !== 10 ? n + 1 : n;
}

function corrupt(text: string, r: Rng, intensity: number): FileCase {
  const steps: string[] = [];
  let lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const textNames = Object.keys(TEXT_MUTATIONS);
  for (let n = intensity; n > 0; n--) {
    const name = pick(r, textNames);
    steps.push(name);
    lines = TEXT_MUTATIONS[name](lines, r);
  }
  let bytes: Buffer = Buffer.from(lines.length ? lines.join('\n') + '\n' : '', 'latin1');
  if (r.float() < 0.5) {
    const name = pick(r, Object.keys(BYTE_MUTATIONS));
    steps.push(name);
    bytes = BYTE_MUTATIONS[name](bytes, r);
  }
  const plainLines = countLines(bytes);
  if (r.float() < 0.3) {
    const gz: GzMutation = pick(r, ['truncate', 'truncate', 'flip', 'garbageAfter', 'none', 'none'] as const);
    steps.push(`gzip:${gz}`);
    let z: Buffer = gzipSync(bytes, { level: 1 });
    if (gz === 'truncate') z = z.subarray(0, r.int(z.length));
    if (gz === 'flip' && z.length > 10) {
      z = Buffer.from(z);
      z[10 + r.int(z.length - 10)] ^= 1 + r.int(255);
    }
    if (gz === 'garbageAfter') z = Buffer.concat([z, Buffer.from(pick(r, ['garbage', '\x1f\x8b\x08junk', '\0\0\0']), 'latin1')]);
    return { bytes: z, gz, lines: gz === 'none' ? plainLines : null, steps };
  }
  return { bytes, gz: null, lines: plainLines, steps };
}

// ---------------------------------------------------------------- checks

function checkError(e: unknown, files: string[]): string | null {
  if (!(e instanceof DataError)) return `not a DataError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`;
  if (!files.includes(e.bad.file)) return `DataError names ${e.bad.file}, not one of the case's files: ${e.message}`;
  if (!e.message.startsWith(e.bad.file)) return `DataError message does not start with the file: ${e.message}`;
  if (e.message.includes('\n')) return `DataError message is not one line: ${JSON.stringify(e.message)}`;
  return null;
}

function checkLobster(d: LobsterData, files: string[], cases: FileCase[], collect: boolean): string | null {
  if (d.frames && d.frames.length !== d.flow.length) return `frames ${d.frames.length} ≠ flow ${d.flow.length}`;
  if (!collect && (d.badLineCount !== 0 || d.unpairedRows !== 0)) return `throw mode returned bad lines ${d.badLineCount}`;
  for (let k = 1; k < d.flow.length; k++) {
    if (!(d.flow.line[k] > d.flow.line[k - 1])) return `kept lines not increasing at ${k}`;
    if (!(d.flow.time[k] >= d.flow.time[k - 1])) return `time goes backwards in the result at ${k}`;
  }
  for (let k = 0; k < d.flow.length; k++) {
    if (!Number.isFinite(d.flow.time[k]) || !Number.isFinite(d.flow.price[k]) || !Number.isFinite(d.flow.size[k])) return `non-finite value kept at row ${k}`;
  }
  if (d.frames) for (let k = 0; k < d.frames.data.length; k++) if (d.frames.data[k] === Infinity || d.frames.data[k] === -Infinity) return `infinite value kept in frames`;
  if (d.files.length !== files.length) return `accounts for ${d.files.length} files, not ${files.length}`;
  let listed = 0;
  for (let i = 0; i < files.length; i++) {
    const a = d.files[i];
    if (a.file !== files[i]) return `account ${i} is for ${a.file}`;
    if (a.lines !== a.blankLines + a.keptRows + a.badLines + a.unpairedRows)
      return `${a.file}: ${a.lines} lines ≠ ${a.blankLines} blank + ${a.keptRows} kept + ${a.badLines} bad + ${a.unpairedRows} unpaired`;
    const expected = cases[i].lines;
    if (expected !== null && a.lines !== expected) return `${a.file}: read ${a.lines} lines, the file has ${expected}`;
    const badLines = new Set(d.badLines.filter((b) => b.file === a.file && b.line > 0).map((b) => b.line));
    if (d.badLines.length < 10_000 && badLines.size !== a.badLines) return `${a.file}: ${badLines.size} distinct bad lines listed, ${a.badLines} counted`;
    for (const b of d.badLines) if (b.file === a.file && (b.line < 0 || b.line > a.lines)) return `bad line ${b.line} beyond the file's ${a.lines} lines`;
    listed += a.badLines;
  }
  if (!collect) return null;
  // Listed order: by file, then line.
  for (let k = 1; k < d.badLines.length; k++) {
    const x = d.badLines[k - 1];
    const y = d.badLines[k];
    const fx = files.indexOf(x.file);
    const fy = files.indexOf(y.file);
    if (fx > fy || (fx === fy && x.line > y.line)) return `bad lines out of order at ${k}`;
  }
  return listed > d.badLineCount ? `more bad lines (${listed}) than problems (${d.badLineCount})` : null;
}

function checkVenue(d: VenueData, file: string, c: FileCase, collect: boolean): string | null {
  if (!collect && d.badLineCount !== 0) return `throw mode returned bad lines`;
  const badLines = d.badLines.filter((b) => b.line > 0).length;
  if (d.lines !== d.flow.length + badLines + d.blankLines + d.headerLines)
    return `${d.lines} lines ≠ ${d.flow.length} kept + ${badLines} bad + ${d.blankLines} blank + ${d.headerLines} header`;
  if (c.lines !== null && d.lines !== c.lines) return `read ${d.lines} lines, the file has ${c.lines}`;
  for (const b of d.badLines) if (b.file !== file) return `bad line names ${b.file}`;
  for (let k = 0; k < d.flow.length; k++) if (!Number.isFinite(d.flow.time[k]) || !Number.isFinite(d.flow.price[k])) return `non-finite value kept at row ${k}`;
  return null;
}

function crossedFrames(d: LobsterData): boolean {
  const f = d.frames;
  if (!f) return false;
  for (let i = 0; i < f.length; i++) if (f.askPrice(i) <= f.bidPrice(i)) return true;
  return false;
}

/** The replay (and summary) of whatever loaded must not throw either. */
function replayChecks(d: LobsterData): string | null {
  try {
    const r = replayLobster(d.flow, d.frames);
    summarizeDay(d.flow, d.frames, r.book.tape);
    const inv = r.book.checkInvariants();
    // A crossed book is what the replay must show when the orderbook file itself is crossed (as real
    // files may be while quoting resumes after a halt); any other broken invariant is a defect.
    if (inv !== null && !(inv.startsWith('book crossed') && crossedFrames(d))) return `replayed book invariant broken: ${inv}`;
  } catch (e) {
    return `replay threw: ${e instanceof Error ? e.stack : String(e)}`;
  }
  return null;
}

async function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} took over ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- the cases

/** Write a case's file: removing it first measured ~10× faster than overwriting (truncating) it on ext4. */
function put(path: string, bytes: Buffer): void {
  rmSync(path, { force: true });
  writeFileSync(path, bytes);
}

const BASES = bases();
const DIR = tempDir('marsbook-fuzz-');

interface Tally {
  cases: number;
  results: number;
  dataErrors: number;
  failures: string[];
}

function newTally(): Tally {
  return { cases: 0, results: 0, dataErrors: 0, failures: [] };
}

async function lobsterCase(i: number, t: Tally, cli: boolean): Promise<void> {
  const r = new Rng(SEED + i * 7919);
  const base = pick(r, BASES);
  const withBook = r.float() < 0.8;
  const collect = r.float() < 0.5;
  const target = withBook ? pick(r, ['messages', 'orderbook', 'both'] as const) : 'messages';
  const intensity = 1 + r.int(3);
  const mc = target === 'orderbook' ? { bytes: Buffer.from(base.messages, 'latin1'), gz: null, lines: countLines(Buffer.from(base.messages, 'latin1')), steps: [] } : corrupt(base.messages, r, intensity);
  const oc = withBook
    ? target === 'messages'
      ? { bytes: Buffer.from(base.orderbook, 'latin1'), gz: null, lines: countLines(Buffer.from(base.orderbook, 'latin1')), steps: [] }
      : corrupt(base.orderbook, r, intensity)
    : null;
  // LOBSTER names (levels known) most of the time; otherwise a plain name (levels guessed from columns).
  const named = r.float() < 0.85;
  // Files are overwritten case after case (cheaper than fresh folders). A day without an orderbook
  // gets a symbol no orderbook file is ever written under, so the CLI finds none beside it.
  const symbol = withBook ? base.symbol : `${base.symbol}SOLO`;
  const stem = named ? `${symbol}_2012-06-21_34200000_57600000` : `case${i % 4}`;
  const ext = (c: FileCase) => (c.gz !== null && r.float() < 0.8 ? '.csv.gz' : '.csv');
  const m = join(DIR, named ? `${stem}_message_${base.levels}${ext(mc)}` : `${stem}_m${ext(mc)}`);
  const o = oc ? join(DIR, named ? `${stem}_orderbook_${base.levels}${ext(oc)}` : `${stem}_o${ext(oc)}`) : undefined;
  put(m, mc.bytes);
  if (o && oc) put(o, oc.bytes);
  const files = o ? [m, o] : [m];
  const cases = oc ? [mc, oc] : [mc];
  const what = `case ${i} (${base.name}; ${collect ? 'collect' : 'throw'}; messages: ${mc.steps.join(' ') || '-'}; orderbook: ${oc ? oc.steps.join(' ') || '-' : 'none'})`;
  t.cases++;
  try {
    if (cli) {
      // The replay command in-process: exit 0 with one JSON object, or 1 with one line naming a file.
      const io = capture();
      const args = ['replay', '--messages', m, ...(o ? ['--orderbook', o] : []), ...(collect ? ['--on-error', 'collect'] : []), ...(r.float() < 0.7 ? ['--json'] : [])];
      const code = await withTimeout(main(args, io), what);
      if (code === 0) {
        t.results++;
        if (args.includes('--json')) JSON.parse(io.stdout);
        else if (!/trades {3}/.test(io.stdout)) t.failures.push(`${what}: summary missing: ${io.stdout}`);
      } else {
        t.dataErrors++;
        const err = io.stderr.trim();
        if (code !== 1) t.failures.push(`${what}: exit code ${code}: ${err}`);
        else if (err.split('\n').length !== 1) t.failures.push(`${what}: not one line: ${err}`);
        else if (!files.some((f) => err.includes(f)) && !/no messages to replay/.test(err)) t.failures.push(`${what}: error names no file: ${err}`);
        else if (/MARSBOOK_DEBUG|\s+at .*:\d+:\d+/.test(err)) t.failures.push(`${what}: not a data error (or a stack trace): ${err}`);
      }
      return;
    }
    const useSync = r.float() < 0.4;
    const options = { onError: collect ? ('collect' as const) : ('throw' as const) };
    const d = useSync ? loadLobsterSync(m, o, options) : await withTimeout(loadLobster(m, o, options), what);
    t.results++;
    const bad = checkLobster(d, files, cases, collect) ?? replayChecks(d);
    if (bad) t.failures.push(`${what}${useSync ? ' [sync]' : ''}: ${bad}`);
  } catch (e) {
    const bad = checkError(e, files);
    if (bad) t.failures.push(`${what}: ${bad}`);
    else t.dataErrors++;
  }
}

async function venueCase(i: number, t: Tally): Promise<void> {
  const r = new Rng(SEED + i * 104_729 + 1);
  const base = pick(r, BASES);
  const collect = r.float() < 0.5;
  const c = corrupt(venueText(base.messages), r, 1 + r.int(3));
  const path = join(DIR, `venue${i % 4}${c.gz !== null ? '.csv.gz' : '.csv'}`);
  put(path, c.bytes);
  const what = `venue case ${i} (${base.name}; ${collect ? 'collect' : 'throw'}; ${c.steps.join(' ')})`;
  t.cases++;
  try {
    const d = await withTimeout(loadVenueCsv(path, VENUE_MAPPING, { onError: collect ? 'collect' : 'throw' }), what);
    t.results++;
    const bad = checkVenue(d, path, c, collect);
    if (bad) t.failures.push(`${what}: ${bad}`);
  } catch (e) {
    const bad = checkError(e, [path]);
    if (bad) t.failures.push(`${what}: ${bad}`);
    else t.dataErrors++;
  }
}

function verdict(name: string, t: Tally): void {
  if (process.env.MARSBOOK_FUZZ_VERBOSE) console.log(`\n  ${name}: ${t.cases} cases, ${t.results} results, ${t.dataErrors} DataErrors`);
  assert.ok(t.failures.length === 0, `${t.failures.length} of ${t.cases} ${name} cases failed (seed ${SEED}):\n${t.failures.slice(0, 5).join('\n\n')}`);
  // The corruptions must exercise both outcomes.
  if (ONLY === null && t.cases >= 100) assert.ok(t.results > t.cases / 20 && t.dataErrors > t.cases / 20, `${name}: ${t.results} results, ${t.dataErrors} errors`);
}

const range = (n: number, offset: number) => (ONLY !== null ? (ONLY >= offset && ONLY < offset + n ? [ONLY] : []) : Array.from({ length: n }, (_, k) => offset + k));
const N_LOAD = Math.round(CASES * 0.7);
const N_VENUE = Math.round(CASES * 0.2);
const N_CLI = CASES - N_LOAD - N_VENUE;

test(`loadLobster / loadLobsterSync: ${N_LOAD} corrupted days end in a result or a DataError naming the file; collect mode accounts for every line`, async () => {
  const t = newTally();
  for (const i of range(N_LOAD, 0)) await timed(i, () => lobsterCase(i, t, false));
  verdict('loader', t);
});

test(`loadVenueCsv: ${N_VENUE} corrupted venue files`, async () => {
  const t = newTally();
  for (const i of range(N_VENUE, N_LOAD)) await timed(i, () => venueCase(i, t));
  verdict('venue', t);
});

test(`marsbook replay: ${N_CLI} corrupted days through the command, in-process`, async () => {
  const t = newTally();
  for (const i of range(N_CLI, N_LOAD + N_VENUE)) await timed(i, () => lobsterCase(i, t, true));
  verdict('replay command', t);
});

const slowest: Array<[number, number]> = [];
async function timed(i: number, run: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await run();
  if (process.env.MARSBOOK_FUZZ_VERBOSE) slowest.push([performance.now() - t0, i]);
}

test.after(() => {
  if (process.env.MARSBOOK_FUZZ_VERBOSE) console.log('slowest cases (ms, case):', slowest.sort((a, b) => b[0] - a[0]).slice(0, 12).map(([ms, i]) => `${ms.toFixed(0)}:${i}`).join(' '));
});

test.after(() => rmSync(DIR, { recursive: true, force: true }));

test.run();
