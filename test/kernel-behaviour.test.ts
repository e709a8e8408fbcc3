/**
 * The marsbook kernel behaves like IPython's in real Jupyter (nbconvert / nbclient), on a user's own
 * notebook in a folder of their own:
 *   - `mb.display(chart)` without `await` shows the chart (Vega-Lite object and SVG) in that cell;
 *   - a cell that ends with a chart shows one complete display (an execute_result), no printed text;
 *   - every executed cell has its execution count;
 *   - an error is an error output with the TypeScript message, later cells still run under
 *     --allow-errors, and `notebooks run` names the failing cell, its line and that line's source;
 *   - executed notebooks are written beside the user's notebooks (.notebook-runs/), not into the package.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findJupyterPython } from '../src/notebook/runner';
import { main } from '../src/cli/main';
import { VEGA_LITE_MIME } from '../src/plot/chart';
import { tempDir } from './helpers';

const CELLS = [
  "import * as mb from 'marsbook';\nconst b = new mb.OrderBook();\nb.limit(1, mb.BUY, 100, 5);\nb.limit(2, mb.SELL, 101, 7);\nundefined",
  "mb.display(mb.charts.depthProfile(b));\nconsole.log('after display');",
  'mb.charts.depthProfile(b)',
  "const n: number = 'text';",
  "interface Unused {\n  a: number;\n}\nconsole.log('runs after an error');\nthrow new Error('boom here');",
  "console.log('still running');",
  // An earlier cell's variable in a shorthand property (tslab alone loses it: ReferenceError).
  "const shorthand = { b, depth: b.depth(1) };\nconsole.log(`shorthand ${shorthand.b === b} ${shorthand.depth}`);",
];

type Out = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string };
const text = (o: Out) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''));
const complete = (o: Out) => typeof o.data?.[VEGA_LITE_MIME] === 'object' && /^<svg/.test([o.data?.['image/svg+xml']].flat().join(''));

test('display without await, a chart as the value, execution counts, visible errors, output beside the notebooks', async () => {
  if (!findJupyterPython()) {
    if (process.env.MARSBOOK_REQUIRE_JUPYTER === '1') assert.unreachable('Jupyter (nbconvert, nbclient) is required here (MARSBOOK_REQUIRE_JUPYTER=1) but not found');
    console.log('\n  note: no Python with nbconvert and nbclient; kernel behaviour not checked here');
    return;
  }
  const dir = tempDir('marsbook-user-nb-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(resolve(__dirname, '..'), join(dir, 'node_modules', 'marsbook')); // as `npm link marsbook` does
  const nb = {
    cells: CELLS.map((source, i) => ({ cell_type: 'code', id: `c${i}`, execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: 'marsbook', display_name: 'TypeScript (marsbook)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(dir, 'mine.ipynb'), JSON.stringify(nb));
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  assert.is(await main(['notebooks', 'run', '--dir', dir], io), 1, 'a notebook with errors fails the run');

  const executed = join(dir, '.notebook-runs', 'mine.ipynb');
  assert.ok(existsSync(executed), `executed notebook beside the user's: ${io.stdout}`);
  assert.not.ok(existsSync(resolve(__dirname, '..', '.notebook-runs', 'mine.ipynb')), 'nothing written into the package');
  const cells = (JSON.parse(readFileSync(executed, 'utf8')) as { cells: Array<{ execution_count: number | null; outputs: Out[] }> }).cells;

  assert.equal(cells.map((c) => c.execution_count), [1, 2, 3, 4, 5, 6, 7], 'every cell has its execution count');

  const shown = cells[1].outputs;
  assert.not.ok(shown.some((o) => /Promise/.test(text(o))), 'no Promise { <pending> } printed');
  assert.is(shown.filter((o) => o.output_type === 'display_data' && complete(o)).length, 1, 'display without await: one complete chart');
  assert.ok(shown.some((o) => text(o).includes('after display')));

  const value = cells[2].outputs;
  assert.is(value.length, 1, `a chart as the value is one output: ${JSON.stringify(value.map((o) => o.output_type))}`);
  assert.is(value[0].output_type, 'execute_result');
  assert.ok(complete(value[0]), 'with the Vega-Lite object and the SVG');

  const tsError = cells[3].outputs.find((o) => o.output_type === 'error');
  assert.ok(tsError, 'a type error is an error output');
  assert.match(tsError!.evalue!, /Type 'string' is not assignable to type 'number'/);
  const thrown = cells[4].outputs;
  assert.ok(thrown.some((o) => text(o).includes('runs after an error')), 'the cell after an error runs');
  assert.equal(thrown.find((o) => o.output_type === 'error')?.evalue, 'boom here');
  assert.ok(cells[5].outputs.some((o) => text(o).includes('still running')));
  assert.ok(cells[6].outputs.some((o) => text(o).includes('shorthand true 5')), `shorthand property: ${JSON.stringify(cells[6].outputs)}`);

  assert.match(io.stdout, /cell 4 \(In \[4\]\), line 1: TypeScript: 1:7 - Type 'string' is not assignable to type 'number'\. — const n: number = 'text';/);
  assert.match(io.stdout, /cell 5 \(In \[5\]\), line 5: Error: boom here — throw new Error\('boom here'\);/);
});

test.run();
