/** `marsbook kernel install|uninstall|list` and `marsbook notebooks run`. */
import { installKernel, kernelDir, listKernels, uninstallKernel, KERNEL_DISPLAY_NAME, type KernelLocation } from '../notebook/kernelspec';
import { runNotebooks } from '../notebook/runner';
import { CliError, type CliIO } from './io';

function location(o: { user?: boolean; prefix?: string; name?: string }): KernelLocation {
  if (o.user && o.prefix) throw new CliError('use --user or --prefix, not both');
  return { user: !o.prefix, prefix: o.prefix, name: o.name };
}

export async function kernelInstallCommand(o: { user?: boolean; prefix?: string; name?: string }, io: CliIO): Promise<number> {
  const dir = installKernel(location(o));
  io.out(`installed the "${KERNEL_DISPLAY_NAME}" kernel in ${dir}\n`);
  return 0;
}

export async function kernelUninstallCommand(o: { user?: boolean; prefix?: string; name?: string }, io: CliIO): Promise<number> {
  const loc = location(o);
  if (uninstallKernel(loc)) io.out(`removed ${kernelDir(loc)}\n`);
  else io.out(`no marsbook kernel at ${kernelDir(loc)}\n`);
  return 0;
}

export async function kernelListCommand(_o: unknown, io: CliIO): Promise<number> {
  const ks = listKernels();
  if (ks.length === 0) io.out('no marsbook kernel installed (npx marsbook kernel install)\n');
  for (const k of ks) io.out(`${k.name}\t${k.dir}\t${String((k.spec.metadata.marsbook as { packageRoot?: string }).packageRoot ?? '')}\n`);
  return 0;
}

export async function notebooksRunCommand(o: { html?: string; out?: string; only?: string; dir?: string; json?: boolean }, io: CliIO): Promise<number> {
  const results = runNotebooks({
    dir: o.dir,
    out: o.out,
    html: o.html,
    only: o.only ? o.only.split(',').map((s) => s.trim()) : undefined,
    log: (l) => io.err(l + '\n'),
  });
  let failed = 0;
  for (const r of results) {
    const bad = r.errors.length > 0 || r.incompleteCharts > 0;
    if (bad) failed++;
    if (!o.json) {
      io.out(`${bad ? 'FAIL' : 'ok  '} ${r.notebook}: ${r.codeCells} code cells, ${r.charts} charts, ${r.seconds.toFixed(1)} s → ${r.executed}${r.html ? `, ${r.html}` : ''}\n`);
      for (const e of r.errors) io.out(`       ${e}\n`);
      if (r.incompleteCharts) io.out(`       ${r.incompleteCharts} chart outputs lack the Vega-Lite v5 object or the SVG\n`);
    }
  }
  if (o.json) io.out(JSON.stringify({ notebooks: results, failed }) + '\n');
  return failed > 0 ? 1 : 0;
}
