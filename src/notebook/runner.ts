/**
 * Execute notebooks headless through Jupyter (nbconvert / nbclient) with the marsbook kernel, and
 * check what they produced: no error output, and every chart a Vega-Lite v5 JSON object with an SVG
 * beside it. The kernelspec goes into a private folder on JUPYTER_PATH, so running the notebooks never
 * touches the user's own kernels.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { installKernel } from './kernelspec';
import { packageRoot } from '../util/package-root';
import { VEGA_LITE_MIME } from '../plot/chart';

export interface RunNotebooksOptions {
  /** Folder of .ipynb files (default: the package's notebooks/). */
  dir?: string;
  /** Where executed copies go (default: .notebook-runs/ beside the notebooks, inside `dir`). */
  out?: string;
  /** Also export HTML here. */
  html?: string;
  /** Only notebooks whose file name contains one of these. */
  only?: string[];
  /** Seconds a cell may run (default 900). */
  timeout?: number;
  log?: (line: string) => void;
}

export interface NotebookCheck {
  notebook: string;
  executed: string;
  html: string | null;
  seconds: number;
  codeCells: number;
  charts: number;
  /** Chart outputs missing the Vega-Lite object or the SVG. */
  incompleteCharts: number;
  /** One line per problem: `cell 5 (In [4]), line 3: Error: boom — the line's source`. */
  errors: string[];
  /** The cells that failed (every cell runs: nbconvert --allow-errors), in order. */
  failures: CellFailure[];
}

/** A cell that raised an error or did not run. */
export interface CellFailure {
  /** 1-based position among all the notebook's cells (Markdown included), as editors number them. */
  cell: number;
  executionCount: number | null;
  /** 1-based line in the cell's source, where the error says (TypeScript diagnostics, stack frames). */
  line: number | null;
  /** That line of the cell's source. */
  source: string | null;
  ename: string;
  evalue: string;
}

type NbOutput = { output_type: string; ename?: string; evalue?: string; traceback?: string[]; name?: string; text?: string | string[]; data?: Record<string, unknown> };
type NbCell = { cell_type: string; source: string | string[]; execution_count?: number | null; outputs?: NbOutput[] };

/** Where an error output points in its cell: a TypeScript diagnostic's `LINE:COL - `, or a `<cell>:LINE` frame. */
export function errorLine(o: Pick<NbOutput, 'ename' | 'evalue' | 'traceback'>): number | null {
  const diag = /^(\d+):\d+ - /.exec(o.evalue ?? '');
  if (o.ename === 'TypeScript' && diag) return Number(diag[1]);
  for (const t of o.traceback ?? []) {
    const m = /<cell>:(\d+)/.exec(t);
    if (m) return Number(m[1]);
  }
  return null;
}

function describeFailure(f: CellFailure): string {
  const where = `cell ${f.cell}${f.executionCount != null ? ` (In [${f.executionCount}])` : ''}${f.line != null ? `, line ${f.line}` : ''}`;
  return `${where}: ${f.ename}: ${f.evalue}${f.source ? ` — ${f.source.trim()}` : ''}`;
}

/** A Python that can run nbconvert and nbclient, or null. */
export function findJupyterPython(): string | null {
  for (const py of [process.env.MARSBOOK_PYTHON, '/usr/bin/python3', 'python3', 'python']) {
    if (!py) continue;
    const r = spawnSync(py, ['-c', 'import nbconvert, nbclient'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

/** Make `import ... from 'marsbook'` resolve in `dir` the way npm would: install its package.json there. */
export function ensureNotebookDependencies(dir: string, log: (l: string) => void = () => {}): void {
  try {
    require.resolve('marsbook/package.json', { paths: [dir] });
    return;
  } catch {
    // not installed yet
  }
  if (!existsSync(join(dir, 'package.json'))) {
    throw new Error(`'marsbook' does not resolve from ${dir}: install it there (npm install marsbook, a local path, or npm link marsbook)`);
  }
  log(`installing the notebooks' dependencies in ${dir} (npm install)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm install in ${dir} failed:\n${r.stderr}`);
}

/** Inspect an executed notebook. */
export function checkExecutedNotebook(path: string): Omit<NotebookCheck, 'notebook' | 'executed' | 'html' | 'seconds'> {
  const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: NbCell[] };
  let codeCells = 0;
  let charts = 0;
  let incomplete = 0;
  const errors: string[] = [];
  const failures: CellFailure[] = [];
  nb.cells.forEach((cell, k) => {
    if (cell.cell_type !== 'code') return;
    codeCells++;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const lines = source.split('\n');
    if (cell.execution_count == null && source.trim() !== '') {
      const f: CellFailure = { cell: k + 1, executionCount: null, line: null, source: null, ename: 'NotRun', evalue: 'the kernel did not run this cell (no execution count)' };
      failures.push(f);
      errors.push(describeFailure(f));
    }
    for (const o of cell.outputs ?? []) {
      if (o.output_type === 'error') {
        const line = errorLine(o);
        const f: CellFailure = { cell: k + 1, executionCount: cell.execution_count ?? null, line, source: line != null && line <= lines.length ? lines[line - 1] : null, ename: o.ename ?? 'Error', evalue: o.evalue ?? '' };
        failures.push(f);
        errors.push(describeFailure(f));
      }
      if (o.output_type === 'stream' && /Promise \{ <pending> \}/.test(Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''))) {
        const f: CellFailure = { cell: k + 1, executionCount: cell.execution_count ?? null, line: null, source: null, ename: 'UnawaitedPromise', evalue: 'the cell printed `Promise { <pending> }` (a missing await?)' };
        failures.push(f);
        errors.push(describeFailure(f));
      }
      if (o.output_type === 'stream' && o.name === 'stderr') {
        const text = Array.isArray(o.text) ? o.text.join('') : (o.text ?? '');
        if (/error/i.test(text)) errors.push(`cell ${k + 1}: stderr: ${text.slice(0, 300)}`);
      }
      const data = o.data ?? {};
      if (VEGA_LITE_MIME in data || 'image/svg+xml' in data) {
        charts++;
        const spec = data[VEGA_LITE_MIME];
        // nbformat stores multi-line text as an array of lines
        const svg = data['image/svg+xml'];
        const svgText = Array.isArray(svg) ? svg.join('') : svg;
        const ok = typeof spec === 'object' && spec !== null && !Array.isArray(spec) && /vega-lite\/v5/.test(String((spec as { $schema?: string }).$schema)) && typeof svgText === 'string' && svgText.trimStart().startsWith('<svg');
        if (!ok) incomplete++;
      }
    }
  });
  return { codeCells, charts, incompleteCharts: incomplete, errors, failures };
}

export function runNotebooks(options: RunNotebooksOptions = {}): NotebookCheck[] {
  const log = options.log ?? (() => {});
  const root = packageRoot();
  const dir = resolve(options.dir ?? join(root, 'notebooks'));
  const out = resolve(options.out ?? join(dir, '.notebook-runs'));
  const python = findJupyterPython();
  if (!python) {
    throw new Error('no Python with nbconvert and nbclient found; on Debian: apt-get install jupyter-nbconvert python3-nbclient (or set MARSBOOK_PYTHON)');
  }
  ensureNotebookDependencies(dir, log);
  const notebooks = readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .filter((f) => !options.only || options.only.some((o) => f.includes(o)))
    .sort();
  if (notebooks.length === 0) throw new Error(`no notebooks in ${dir}${options.only ? ` matching ${options.only.join(', ')}` : ''}`);
  mkdirSync(out, { recursive: true });
  if (options.html) mkdirSync(resolve(options.html), { recursive: true });
  const jupyterHome = mkdtempSync(join(tmpdir(), 'marsbook-jupyter-'));
  installKernel({ prefix: jupyterHome, name: 'marsbook' });
  const env = { ...process.env, JUPYTER_PATH: join(jupyterHome, 'share', 'jupyter'), PYTHONUNBUFFERED: '1' };
  const results: NotebookCheck[] = [];
  try {
    for (const nb of notebooks) {
      const t0 = performance.now();
      log(`running ${nb}…`);
      const name = basename(nb, '.ipynb');
      const r = spawnSync(
        python,
        // --allow-errors: every cell runs, and every failing cell is reported with its own message
        ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--allow-errors', '--ExecutePreprocessor.kernel_name=marsbook', `--ExecutePreprocessor.timeout=${options.timeout ?? 900}`, '--output', name, '--output-dir', out, join(dir, nb)],
        { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      const executed = join(out, `${name}.ipynb`);
      const seconds = (performance.now() - t0) / 1000;
      if (r.status !== 0 || !existsSync(executed)) {
        const tail = (r.stderr || r.stdout || '').split('\n').slice(-25).join('\n');
        results.push({ notebook: nb, executed, html: null, seconds, codeCells: 0, charts: 0, incompleteCharts: 0, errors: [`nbconvert failed (exit ${r.status}):\n${tail}`], failures: [] });
        continue;
      }
      let html: string | null = null;
      if (options.html) {
        const h = spawnSync(
          python,
          ['-m', 'nbconvert', '--to', 'html', `--TemplateExporter.extra_template_basedirs=${join(root, 'kernel', 'nbconvert')}`, '--template', 'marsbook', '--output-dir', resolve(options.html), executed],
          { env, encoding: 'utf8' },
        );
        if (h.status === 0) html = join(resolve(options.html), `${name}.html`);
        else log(`HTML export of ${nb} failed: ${h.stderr.split('\n').slice(-3).join(' ')}`);
      }
      results.push({ notebook: nb, executed, html, seconds, ...checkExecutedNotebook(executed) });
    }
  } finally {
    rmSync(jupyterHome, { recursive: true, force: true });
  }
  return results;
}
