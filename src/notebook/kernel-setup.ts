/**
 * Run once in the marsbook kernel, before any cell (kernel/preload.js requires this): progress
 * reports become a display that updates in place, and a chart that ends a cell (which tslab prints
 * with console.log) is shown as a chart.
 */
import { inspect } from 'node:util';
import { setProgressRenderer } from '../util/progress';
import { notebookProgress } from './notebook-progress';
import { Chart } from '../plot/chart';
import { inKernel, newDisplayId, sendDisplay } from './tslab-bridge';

let done = false;

export function setupKernel(): void {
  if (done) return;
  done = true;
  setProgressRenderer(notebookProgress);
  // A chart printed by the kernel (the value a cell ends with) is displayed: the Vega-Lite spec at
  // once (JupyterLab and VS Code draw it), then the same display is updated with the SVG vega renders.
  Object.defineProperty(Chart.prototype, inspect.custom, {
    configurable: true,
    value(this: Chart): string {
      const label = `Chart(${chartTitle(this)})`;
      if (!inKernel()) return label;
      const id = newDisplayId();
      sendDisplay({ 'application/vnd.vegalite.v5+json': this.spec, 'text/plain': label }, { displayId: id });
      void this.mimeBundle()
        .then((b) => sendDisplay(b, { displayId: id, update: true }))
        .catch(() => undefined);
      return label;
    },
  });
}

function chartTitle(c: Chart): string {
  const t = (c.spec as { title?: unknown }).title;
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && 'text' in t) return String((t as { text: unknown }).text);
  return 'Vega-Lite v5';
}
