/**
 * Sending rich output to Jupyter from inside a tslab kernel. tslab's public `display.raw` sends one
 * mime type per message; a chart needs one message carrying its Vega-Lite spec, its SVG and text
 * together (frontends pick the richest type they can draw). tslab keeps the writer it uses for
 * display messages as `lastWriteDisplayData` in its jupyter module: that is what this calls, with the
 * public API as the fallback. (tslab is pinned; see package.json.)
 */
import { randomUUID } from 'node:crypto';

export type MimeBundle = Record<string, unknown>;

interface TslabJupyter {
  lastWriteDisplayData: ((data: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void) | null;
}
interface TslabPublic {
  display: { raw(contentType: string, b: string | Uint8Array): void };
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
  return tslabModule<TslabJupyter>('tslab/dist/jupyter')?.lastWriteDisplayData != null;
}

/**
 * Send a display (or replace an earlier one with the same `displayId`). Returns false outside a kernel.
 */
export function sendDisplay(bundle: MimeBundle, options: { displayId?: string; update?: boolean } = {}): boolean {
  const j = tslabModule<TslabJupyter>('tslab/dist/jupyter');
  if (j?.lastWriteDisplayData) {
    j.lastWriteDisplayData({ data: bundle, metadata: {}, transient: options.displayId ? { display_id: options.displayId } : {} }, options.update === true);
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

export function newDisplayId(): string {
  return `marsbook-${randomUUID()}`;
}
