import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mimeBundle, display } from '../src/notebook/display';
import { sendDisplay, inKernel } from '../src/notebook/tslab-bridge';
import { notebookProgress } from '../src/notebook/notebook-progress';
import { autoProgress } from '../src/util/progress';
import { OrderBook } from '../src/book/order-book';
import { depthProfileChart } from '../src/plot/book-charts';
import { loadLobster } from '../src/data/lobster-load';
import { VEGA_LITE_MIME } from '../src/plot/chart';
import { syntheticFiles } from './helpers';

test('a chart displays as the Vega-Lite v5 object, its SVG and text', async () => {
  const b = new OrderBook();
  b.limit(1, 1, 100, 5);
  b.limit(2, -1, 101, 7);
  const bundle = await mimeBundle(depthProfileChart(b));
  const spec = bundle[VEGA_LITE_MIME] as { $schema: string };
  assert.is(typeof spec, 'object');
  assert.match(spec.$schema, /vega-lite\/v5\.json$/);
  assert.match(String(bundle['image/svg+xml']), /^<svg/);
  assert.match(String(bundle['text/plain']), /Chart\(/);
});

test('tables display as HTML with their shape: marsbook frames, arquero tables, danfo frames', async () => {
  const f = syntheticFiles(5, 3_000);
  const d = await loadLobster(f.messages, f.orderbook);
  for (const value of [d.flow, await d.flow.toArquero(), await d.flow.slice(0, 50).toDanfo()]) {
    const b = await mimeBundle(value, { rows: 4 });
    const html = String(b['text/html']);
    assert.match(html, /<table>/);
    assert.is((html.match(/<tr>/g) ?? []).length, 5, 'a header and 4 rows');
    assert.match(html, /rows × 7 columns/);
    assert.match(String(b['text/plain']), /time/);
  }
  const r = await mimeBundle({ messages: 10, ok: true, note: 'x<y' }, { title: 'report' });
  assert.match(String(r['text/html']), /<th style="text-align:left">messages<\/th><td style="text-align:left">10<\/td>/);
  assert.match(String(r['text/html']), /x&lt;y/);
  assert.match(String((await mimeBundle([1, 2]))['text/plain']), /\[ 1, 2 \]/);
});

test('outside a kernel: no display is sent, no notebook progress, callbacks pass through', async () => {
  assert.not.ok(inKernel());
  assert.not.ok(sendDisplay({ 'text/plain': 'x' }));
  assert.is(await display('nothing to see'), undefined);
  assert.is(notebookProgress('x'), null);
  const calls: number[] = [];
  const p = autoProgress('x', (d) => calls.push(d));
  p.onProgress!(3, 10);
  p.finish();
  assert.equal(calls, [3]);
  assert.is(autoProgress('x').onProgress, undefined);
});

test.run();
