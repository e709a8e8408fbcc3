/**
 * Sending rich output to Jupyter from inside a tslab kernel. tslab's public `display.raw` sends one
 * mime type per message; a chart needs one message carrying its Vega-Lite spec, its SVG and text
 * together (frontends pick the richest type they can draw). tslab keeps the writer it uses for
 * display messages as `lastWriteDisplayData` in its jupyter module: that is what this calls, with the
 * public API as the fallback. (tslab is pinned; see package.json.)
 *
 * In the marsbook kernel (kernel-setup.ts) every executing cell also has a `KernelCell`: displays that
 * need time (a chart renders its SVG asynchronously) are queued on the cell that started them, sent in
 * the order they were started, and the kernel does not report the cell finished until they are out —
 * so `display(chart)` needs no `await`, as in IPython.
 */
import { randomUUID } from 'node:crypto';

export type MimeBundle = Record<string, unknown>;

/** tslab's display writer: one display_data (or update_display_data) message on iopub. */
export type DisplayWriter = (data: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void;

interface TslabJupyter {
  lastWriteDisplayData: DisplayWriter | null;
}
interface TslabPublic {
  display: { raw(contentType: string, b: string | Uint8Array): void };
}

/** The cell the marsbook kernel is executing (set by kernel-setup.ts, shared through globalThis). */
export interface KernelCell {
  readonly executionCount: number;
  /** Send a display into this cell once `bundle` is ready, after the displays queued before it. */
  queue(bundle: Promise<MimeBundle>, kind?: 'display_data' | 'execute_result'): void;
  /** Resolves when every queued display has been sent. */
  settled(): Promise<void>;
}

const ACTIVE = Symbol.for('marsbook.kernel.activeCell');
type Holder = { [ACTIVE]?: KernelCell | null };

/** The cell the marsbook kernel is executing now, or null (not in the marsbook kernel, or idle). */
export function activeCell(): KernelCell | null {
  return (globalThis as Holder)[ACTIVE] ?? null;
}

export function setActiveCell(cell: KernelCell | null): void {
  (globalThis as Holder)[ACTIVE] = cell;
}

function tslabModule<T>(id: string): T | null {
  try {
    // Only a tslab kernel has loaded tslab; never load it ourselves (that would start nothing useful).
    const path = require.resolve(id);
    const m = require.cache[path];
    return m ? (m.exports as T) : null;
  } catch {
    return null;
  }
}

/** Whether this code runs inside a tslab kernel that is executing a cell. */
export function inKernel(): boolean {
  return activeCell() !== null || tslabModule<TslabJupyter>('tslab/dist/jupyter')?.lastWriteDisplayData != null;
}

/** The writer for the cell executing now (captured at call time, so late output still lands there). */
export function currentDisplayWriter(): DisplayWriter | null {
  return tslabModule<TslabJupyter>('tslab/dist/jupyter')?.lastWriteDisplayData ?? null;
}

/**
 * Send a display (or replace an earlier one with the same `displayId`). Returns false outside a kernel.
 */
export function sendDisplay(bundle: MimeBundle, options: { displayId?: string; update?: boolean; writer?: DisplayWriter | null } = {}): boolean {
  const w = options.writer ?? currentDisplayWriter();
  if (w) {
    w({ data: bundle, metadata: {}, transient: options.displayId ? { display_id: options.displayId } : {} }, options.update === true);
    return true;
  }
  const pub = tslabModule<TslabPublic>('tslab');
  if (pub) {
    // Fallback: one message per type (frontends show them all).
    for (const [mime, v] of Object.entries(bundle)) pub.display.raw(mime, typeof v === 'string' ? v : JSON.stringify(v));
    return true;
  }
  return false;
}

/**
 * Display a bundle that may take time: in the marsbook kernel, queued on the executing cell (the cell
 * waits for it); in another tslab kernel, sent to the cell that called when ready. Returns false
 * outside a kernel.
 */
export function queueDisplay(bundle: () => Promise<MimeBundle>): boolean {
  const cell = activeCell();
  if (cell) {
    cell.queue(bundle());
    return true;
  }
  const writer = currentDisplayWriter();
  if (!writer && !tslabModule<TslabPublic>('tslab')) return false;
  bundle()
    .then((b) => sendDisplay(b, { writer }))
    .catch((e: unknown) => process.stderr.write(`display failed: ${e instanceof Error ? e.message : String(e)}\n`));
  return true;
}

export function newDisplayId(): string {
  return `marsbook-${randomUUID()}`;
}
