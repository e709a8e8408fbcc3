'use strict';
// Loaded by the marsbook kernel (NODE_OPTIONS --require) before tslab runs any cell: it installs the
// notebook integration of the marsbook package this kernelspec was written from.
try {
  require('../dist/src/notebook/kernel-setup.js').setupKernel();
} catch (e) {
  process.stderr.write(`marsbook kernel: notebook integration not loaded (${e && e.message}); run \`npm run build\` in ${require('path').join(__dirname, '..')}\n`);
}
