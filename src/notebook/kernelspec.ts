/**
 * The marsbook Jupyter kernel: a kernelspec (no Python needed to write one) that starts tslab with
 * marsbook's settings:
 *   - NODE_OPTIONS --require kernel/preload.js: the notebook integration (progress displays that update
 *     in place, charts that show when a cell ends with one) is in place before the first cell runs;
 *   - --experimental-require-module on Node before 20.19 (arquero is an ES module and tslab runs cells
 *     as CommonJS; from 20.19 Node loads ES modules from require() by default).
 */
import { existsSync, mkdirSync, copyFileSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../util/package-root';

export const DEFAULT_KERNEL_NAME = 'marsbook';
export const KERNEL_DISPLAY_NAME = 'TypeScript (marsbook)';

export interface KernelLocation {
  /** Install for the current user (the default). */
  user?: boolean;
  /** Install under PREFIX/share/jupyter/kernels (a virtualenv, a conda env, or a private folder). */
  prefix?: string;
  name?: string;
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: string;
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** Jupyter's per-user data folder, as jupyter_core computes it. */
export function jupyterUserDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const p = platform();
  if (p === 'darwin') return join(homedir(), 'Library', 'Jupyter');
  if (p === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'jupyter');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'jupyter');
}

export function kernelDir(loc: KernelLocation = {}): string {
  const base = loc.prefix ? join(loc.prefix, 'share', 'jupyter') : jupyterUserDataDir();
  return join(base, 'kernels', loc.name ?? DEFAULT_KERNEL_NAME);
}

function nodeNeedsRequireModuleFlag(version = process.versions.node): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12);
}

export function kernelSpec(): KernelSpec {
  const root = packageRoot();
  const tslab = require.resolve('tslab/bin/tslab');
  const preload = join(root, 'kernel', 'preload.js');
  const nodeOptions = [`--require=${JSON.stringify(preload).slice(1, -1)}`];
  if (nodeNeedsRequireModuleFlag()) nodeOptions.push('--experimental-require-module');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
    env: { NODE_OPTIONS: nodeOptions.join(' '), MARSBOOK_KERNEL: '1' },
    metadata: { marsbook: { version, packageRoot: root, node: process.version } },
  };
}

/** Write the kernelspec (kernel.json and logos); returns the folder. */
export function installKernel(loc: KernelLocation = {}): string {
  const dir = kernelDir(loc);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), JSON.stringify(kernelSpec(), null, 1) + '\n');
  const assets = join(packageRoot(), 'kernel');
  for (const f of ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']) {
    if (existsSync(join(assets, f))) copyFileSync(join(assets, f), join(dir, f));
  }
  return dir;
}

/** Remove the kernelspec; returns whether one was there. */
export function uninstallKernel(loc: KernelLocation = {}): boolean {
  const dir = kernelDir(loc);
  if (!existsSync(join(dir, 'kernel.json'))) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** marsbook kernelspecs Jupyter would find (user folder, system folders, JUPYTER_PATH). */
export function listKernels(): Array<{ name: string; dir: string; spec: KernelSpec }> {
  const roots = [
    ...(process.env.JUPYTER_PATH ?? '').split(':').filter(Boolean),
    jupyterUserDataDir(),
    '/usr/local/share/jupyter',
    '/usr/share/jupyter',
  ];
  const out: Array<{ name: string; dir: string; spec: KernelSpec }> = [];
  for (const r of roots) {
    const kernels = join(r, 'kernels');
    if (!existsSync(kernels)) continue;
    for (const name of readdirSync(kernels)) {
      const file = join(kernels, name, 'kernel.json');
      if (!existsSync(file)) continue;
      try {
        const spec = JSON.parse(readFileSync(file, 'utf8')) as KernelSpec;
        if (spec.metadata && 'marsbook' in spec.metadata) out.push({ name, dir: dirname(file), spec });
      } catch {
        // not a readable kernelspec
      }
    }
  }
  return out;
}
