/**
 * Run once in the marsbook kernel, before any cell (kernel/preload.js requires this). It makes tslab
 * behave like IPython's kernel where it does not:
 *   - every cell has a `KernelCell` (tslab-bridge.ts): displays it starts (`display(chart)` without
 *     `await`) are sent into it in order, and its execute_reply waits until they are out, so live
 *     frontends and nbclient/nbconvert exports get them;
 *   - a cell whose value is a chart, Markdown or a table ends in one `execute_result` carrying the full
 *     bundle (Vega-Lite object, SVG, text), not a printed text plus a display;
 *   - `execute_input` is published with the execution count, and execute_reply carries it, so
 *     executed notebooks have `In [n]` prompts;
 *   - an error is an `error` message (ename, evalue, traceback: the TypeScript diagnostic or the
 *     exception) and the execute_reply says the same; with `stop_on_error: false` (nbconvert
 *     `--allow-errors`) the next cells run instead of being aborted;
 *   - progress reports become a display that updates in place.
 * tslab is patched at its module boundary (createExecutor, JupyterHandlerImpl, ZmqServer) in the copy
 * the kernel runs; if its shape ever differs, the patch is skipped and tslab runs as it is.
 */
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { setProgressRenderer } from '../util/progress';
import { notebookProgress } from './notebook-progress';
import { Chart } from '../plot/chart';
import { activeCell, setActiveCell, type DisplayWriter, type KernelCell, type MimeBundle } from './tslab-bridge';
import { hasRichDisplay, mimeBundle } from './display';
import { sourceLineOf } from './cell-lines';
import { expandShorthandProperties } from './shorthand';

let done = false;

export function setupKernel(): void {
  if (done) return;
  done = true;
  setProgressRenderer(notebookProgress);
  Object.defineProperty(Chart.prototype, inspect.custom, {
    configurable: true,
    value(this: Chart): string {
      return `Chart(${chartTitle(this)})`;
    },
  });
  for (const root of tslabRoots()) {
    try {
      patchTslab(root);
    } catch (e) {
      process.stderr.write(`marsbook kernel: tslab at ${root} not patched (${e instanceof Error ? e.message : String(e)})\n`);
    }
  }
}

function chartTitle(c: Chart): string {
  const t = (c.spec as { title?: unknown }).title;
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && 'text' in t) return String((t as { text: unknown }).text);
  return 'Vega-Lite v5';
}

/** The tslab copies this kernel may run: the one started (argv[1]) and one tslab would find in the notebook's folder. */
function tslabRoots(): string[] {
  const roots = new Set<string>();
  const script = process.argv[1] ?? '';
  if (/tslab[\\/]bin[\\/]tslab$/.test(script)) roots.add(dirname(dirname(script)));
  for (const from of [process.cwd(), __dirname]) {
    try {
      roots.add(dirname(require.resolve('tslab/package.json', { paths: [from] })));
    } catch {
      // no tslab there
    }
  }
  return [...roots];
}

// ---- tslab's internals, as far as they are used here ----

interface Executor {
  execute(src: string): Promise<boolean>;
}
interface ExecConsole {
  log: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
}
type CreateExecutor = (rootDir: string, convs: unknown, console: ExecConsole) => Executor;
interface TaskQueue {
  add<T>(fn: () => Promise<T>): Promise<T>;
  reset(delay?: number): void;
}
interface ExecuteRequest {
  code: string;
  stop_on_error?: boolean;
}
interface HandlerImpl {
  execCount: number;
  execQueue: TaskQueue;
  handleExecuteImpl(req: ExecuteRequest, writeStream: (name: string, text: string) => void, writeDisplayData: DisplayWriter): Promise<{ count: number }>;
}
interface ZmqReply {
  header: { msg_type: string };
  content: unknown;
  signAndSend(key: string, sock: unknown): void;
}
interface ZmqMessage {
  content: ExecuteRequest;
  createReply(): ZmqReply;
}
interface ZmqServerLike {
  handler: { handleExecute(req: ExecuteRequest, writeStream: (name: string, text: string) => void, writeDisplayData: DisplayWriter): Promise<{ status: string; execution_count?: number }> };
  connInfo: { key: string };
  iopub: unknown;
}

/** What went wrong in a cell, as Jupyter's error message wants it. */
export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

const CELL = Symbol('marsbook.cell');
type WriterWithCell = DisplayWriter & { [CELL]?: CellState };

class CellState implements KernelCell {
  executionCount = 0;
  errors: CellError[] = [];
  /** The cell's TypeScript, and the JavaScript tslab ran for it (to place runtime errors on source lines). */
  code = '';
  compiled: string | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly publish: (msgType: string, content: Record<string, unknown>) => void,
    readonly writeDisplay: DisplayWriter,
  ) {}

  queue(bundle: Promise<MimeBundle>, kind: 'display_data' | 'execute_result' = 'display_data'): void {
    bundle.catch(() => undefined); // handled in order below
    this.chain = this.chain.then(async () => {
      try {
        const data = await bundle;
        if (kind === 'execute_result') this.publish('execute_result', { data, metadata: {}, execution_count: this.executionCount });
        else this.writeDisplay({ data, metadata: {}, transient: {} }, false);
      } catch (e) {
        this.errors.push(errorOf(e, 'display failed: '));
      }
    });
  }

  settled(): Promise<void> {
    return this.chain;
  }

  input(code: string): void {
    this.publish('execute_input', { code, execution_count: this.executionCount });
  }

  error(e: CellError): void {
    this.publish('error', { ...e });
  }
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

/**
 * Stack lines that belong to the user: not Node's, tslab's or this module's. A cell's own frames read
 * `<cell>:LINE:COL` (tslab runs a cell as "evalmachine.<anonymous>").
 */
function userFrames(stack: string | undefined, cell?: { code: string; compiled: string | null }): string[] {
  if (!stack) return [];
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .filter((l) => !/node:internal|[\\/]tslab[\\/]dist[\\/]|node:vm|runInThisContext|kernel-setup\.js/.test(l))
    .map((l) =>
      l.replace(/evalmachine\.<anonymous>:(\d+):(\d+)/g, (_m, line: string) => {
        const at = cell?.compiled ? sourceLineOf(cell.compiled, cell.code, Number(line)) : null;
        return at != null ? `<cell>:${at}` : `<cell> (compiled line ${line})`;
      }),
    );
}

export function errorOf(e: unknown, prefix = '', cell?: { code: string; compiled: string | null }): CellError {
  if (e instanceof Error) {
    const ename = e.name || 'Error';
    const evalue = prefix + e.message;
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...userFrames(e.stack, cell)] };
  }
  return { ename: 'Error', evalue: prefix + inspect(e), traceback: [`Error: ${prefix}${inspect(e)}`] };
}

/** tslab prints TypeScript diagnostics as console.error("%s%d:%d - %s", file, line, col, message). */
function diagnosticOf(args: unknown[]): CellError | null {
  if (args.length === 5 && args[0] === '%s%d:%d - %s' && typeof args[2] === 'number' && typeof args[3] === 'number') {
    const where = `${String(args[1])}${args[2]}:${args[3]}`;
    const text = `${where} - ${String(args[4])}`;
    return { ename: 'TypeScript', evalue: text, traceback: [`TypeScript: ${text}`] };
  }
  return null;
}

function patchTslab(root: string): void {
  const executorModule = require(join(root, 'dist', 'executor.js')) as { createExecutor: CreateExecutor; __marsbook?: boolean };
  const jupyterModule = require(join(root, 'dist', 'jupyter.js')) as { JupyterHandlerImpl: { prototype: HandlerImpl & Record<string, unknown> }; ZmqServer: { prototype: ZmqServerLike & Record<string, unknown> } };
  const utilModule = require(join(root, 'dist', 'util.js')) as { TaskCanceledError: new (...a: unknown[]) => Error };
  if (executorModule.__marsbook) return;
  const handlerProto = jupyterModule.JupyterHandlerImpl.prototype;
  const serverProto = jupyterModule.ZmqServer.prototype;
  if (typeof executorModule.createExecutor !== 'function' || typeof handlerProto.handleExecuteImpl !== 'function' || typeof serverProto.handleExecute !== 'function') {
    throw new Error('unexpected tslab version');
  }
  executorModule.__marsbook = true;
  // tslab's own TypeScript (the one it compiles cells with) parses cells for the shorthand rewrite.
  const tsModule = require(require.resolve('typescript', { paths: [root] })) as typeof import('typescript');

  // The executor's console: `log` prints a cell's value, `error` a diagnostic or a thrown error.
  const createExecutor = executorModule.createExecutor;
  executorModule.createExecutor = (rootDir, convs, console) =>
    createExecutor(rootDir, convs, {
      log: (...args: unknown[]) => {
        const cell = activeCell() as CellState | null;
        if (cell && args.length === 1 && hasRichDisplay(args[0])) {
          const value = args[0];
          cell.queue(mimeBundle(value), 'execute_result');
        } else console.log(...args);
      },
      error: (...args: unknown[]) => {
        const cell = activeCell() as CellState | null;
        if (!cell) return console.error(...args);
        const d = diagnosticOf(args);
        if (d) cell.errors.push(d);
        else if (args.length === 1) cell.errors.push(errorOf(args[0], '', cell));
        else console.error(...args);
      },
    });

  // The compiled cell tslab runs (vm.runInThisContext of a wrapped function), kept for error lines.
  const vm = require('node:vm') as { runInThisContext: (code: string, options?: unknown) => unknown; __marsbook?: boolean };
  if (!vm.__marsbook) {
    vm.__marsbook = true;
    const run = vm.runInThisContext;
    vm.runInThisContext = (code: string, options?: unknown) => {
      const cell = activeCell() as CellState | null;
      if (cell && typeof code === 'string' && /^\((async )?function\(exports, require\) \{ /.test(code)) cell.compiled = code;
      return run(code, options);
    };
  }

  const original = handlerProto.handleExecuteImpl;
  handlerProto.handleExecuteImpl = async function (this: HandlerImpl, req, writeStream, writeDisplayData) {
    const cell = (writeDisplayData as WriterWithCell)[CELL];
    if (!cell) return original.call(this, req, writeStream, writeDisplayData);
    cell.executionCount = this.execCount + 1;
    cell.code = req.code;
    cell.input(req.code);
    setActiveCell(cell);
    let result: { count: number } | null = null;
    let failure: unknown = null;
    try {
      // Shorthand properties written out (see shorthand.ts): tslab would lose earlier cells' variables in them.
      const code = expandShorthandProperties(req.code, tsModule);
      result = await original.call(this, code === req.code ? req : { ...req, code }, writeStream, writeDisplayData);
    } catch (e) {
      failure = e;
    }
    await cell.settled();
    if (activeCell() === cell) setActiveCell(null);
    if (failure !== null) throw failure;
    // A display that failed makes the cell fail (tslab's handleExecute reads a thrown count as an error).
    if (cell.errors.length > 0) throw result;
    return result!;
  };

  const TaskCanceledError = utilModule.TaskCanceledError;
  handlerProto.handleExecute = async function (this: HandlerImpl, req: ExecuteRequest, writeStream: (name: string, text: string) => void, writeDisplayData: DisplayWriter) {
    // Like IPython: requests queued behind a failed cell are aborted only when the client asked for
    // that (stop_on_error, the default); nbconvert --allow-errors sends false, and the next cells run.
    const stopOnError = req.stop_on_error !== false;
    let status = 'ok';
    let count: number | undefined;
    let failure: unknown = null;
    try {
      const outcome = await this.execQueue.add(async () => {
        try {
          return { count: (await this.handleExecuteImpl(req, writeStream, writeDisplayData)).count, failure: null as unknown };
        } catch (e) {
          if (stopOnError) throw e; // rejects the queue: tslab's way of aborting what is queued behind
          return { count: undefined, failure: e };
        }
      });
      count = outcome.count;
      failure = outcome.failure;
    } catch (e) {
      if (e instanceof TaskCanceledError) status = 'aborted';
      else failure = e;
    }
    if (failure !== null) {
      status = 'error';
      if (isObj(failure) && typeof failure.count === 'number') count = failure.count;
      else (writeDisplayData as WriterWithCell)[CELL]?.errors.push(errorOf(failure, 'kernel: '));
      if (stopOnError) this.execQueue.reset(200);
    }
    return { status, execution_count: count };
  };

  serverProto.handleExecute = async function (this: ZmqServerLike, sock: unknown, msg: ZmqMessage) {
    const send = (msgType: string, content: Record<string, unknown>, to: unknown = this.iopub) => {
      const r = msg.createReply();
      r.header.msg_type = msgType;
      r.content = content;
      r.signAndSend(this.connInfo.key, to);
    };
    const writeStream = (name: string, text: string) => send('stream', { name, text });
    const writeDisplayData: WriterWithCell = (data, update) => send(update ? 'update_display_data' : 'display_data', data as unknown as Record<string, unknown>);
    const cell = new CellState(send, writeDisplayData);
    writeDisplayData[CELL] = cell;
    const reply = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData);
    const content: Record<string, unknown> = { status: reply.status, execution_count: reply.execution_count ?? cell.executionCount };
    if (reply.status === 'error') {
      const err = cell.errors.length > 0 ? mergeErrors(cell.errors) : { ename: 'Error', evalue: 'the cell failed', traceback: ['Error: the cell failed'] };
      cell.error(err);
      Object.assign(content, err);
    } else {
      // Diagnostics of a cell that still ran (tslab's //%module cells) go to stderr as before.
      for (const e of cell.errors) writeStream('stderr', e.traceback.join('\n') + '\n');
    }
    send('execute_reply', content, sock);
  };
}

/** Several diagnostics of one cell: the first names the error, all are in the traceback. */
function mergeErrors(errors: CellError[]): CellError {
  if (errors.length === 1) return errors[0];
  return { ename: errors[0].ename, evalue: errors[0].evalue + ` (and ${errors.length - 1} more)`, traceback: errors.flatMap((e) => e.traceback) };
}
