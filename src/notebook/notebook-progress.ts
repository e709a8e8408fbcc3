/**
 * Progress in a notebook: one display that updates in place (Jupyter's update_display_data), redrawn
 * at most 5 times a second, never a stream of lines.
 */
import { newDisplayId, sendDisplay, inKernel } from './tslab-bridge';
import type { ProgressReporter } from '../util/progress';

function bar(label: string, done: number, total: number, seconds: number): { html: string; text: string } {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const pct = (100 * frac).toFixed(0);
  const text = `${label} ${pct}% (${done.toLocaleString('en-US')}${total > 0 ? ` / ${total.toLocaleString('en-US')}` : ''}) ${seconds.toFixed(1)} s`;
  const html =
    `<div style="font-family:monospace;font-size:12px">${label} ` +
    `<span style="display:inline-block;width:240px;height:10px;background:#e8e8e8;vertical-align:middle">` +
    `<span style="display:block;width:${(240 * frac).toFixed(0)}px;height:10px;background:#2f6db5"></span></span> ${pct}% · ${seconds.toFixed(1)} s</div>`;
  return { html, text };
}

export function notebookProgress(label: string): ProgressReporter | null {
  if (!inKernel()) return null;
  const id = newDisplayId();
  const t0 = performance.now();
  let shown = false;
  let last = 0;
  let lastDone = 0;
  let lastTotal = 0;
  const draw = (done: number, total: number) => {
    const b = bar(label, done, total, (performance.now() - t0) / 1000);
    sendDisplay({ 'text/html': b.html, 'text/plain': b.text }, { displayId: id, update: shown });
    shown = true;
  };
  return {
    onProgress(done, total) {
      lastDone = done;
      lastTotal = total;
      const now = performance.now();
      if (!shown || now - last >= 200) {
        last = now;
        draw(done, total);
      }
    },
    finish() {
      if (shown) draw(lastTotal > 0 ? lastTotal : lastDone, lastTotal);
    },
  };
}
