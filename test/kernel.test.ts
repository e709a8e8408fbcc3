import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installKernel, uninstallKernel, kernelDir, listKernels, KERNEL_DISPLAY_NAME } from '../src/notebook/kernelspec';
import { main } from '../src/cli/main';
import { tempDir } from './helpers';

test('kernel install writes a kernelspec that starts tslab with marsbook\'s preload', () => {
  const prefix = tempDir('marsbook-kernel-');
  const dir = installKernel({ prefix, name: 'mb-test' });
  assert.is(dir, join(prefix, 'share', 'jupyter', 'kernels', 'mb-test'));
  const spec = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
  assert.is(spec.display_name, KERNEL_DISPLAY_NAME);
  assert.is(spec.language, 'typescript');
  assert.is(spec.argv[0], process.execPath);
  assert.ok(existsSync(spec.argv[1]) && /tslab/.test(spec.argv[1]), spec.argv[1]);
  assert.equal(spec.argv.slice(2), ['kernel', '--config-path', '{connection_file}']);
  const preload = /--require=(\S+)/.exec(spec.env.NODE_OPTIONS)![1];
  assert.ok(existsSync(preload), `preload ${preload}`);
  assert.ok(existsSync(join(dir, 'logo-64x64.png')));
  const old = process.env.JUPYTER_PATH;
  process.env.JUPYTER_PATH = join(prefix, 'share', 'jupyter');
  try {
    assert.ok(listKernels().some((k) => k.name === 'mb-test'));
  } finally {
    if (old === undefined) delete process.env.JUPYTER_PATH;
    else process.env.JUPYTER_PATH = old;
  }
  assert.ok(uninstallKernel({ prefix, name: 'mb-test' }));
  assert.not.ok(existsSync(dir));
  assert.not.ok(uninstallKernel({ prefix, name: 'mb-test' }));
});

test('the CLI installs and removes the kernel; --user and --prefix are exclusive', async () => {
  const prefix = tempDir('marsbook-kernel-');
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  assert.is(await main(['kernel', 'install', '--prefix', prefix], io), 0, io.stderr);
  assert.match(io.stdout, /TypeScript \(marsbook\)/);
  assert.ok(existsSync(join(kernelDir({ prefix }), 'kernel.json')));
  assert.is(await main(['kernel', 'uninstall', '--prefix', prefix], io), 0);
  assert.not.ok(existsSync(kernelDir({ prefix })));
  assert.is(await main(['kernel', 'install', '--prefix', prefix, '--user'], io), 1);
  assert.match(io.stderr, /not both/);
});

test.run();
