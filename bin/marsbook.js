#!/usr/bin/env node
'use strict';
// The marsbook command: runs the compiled CLI (npm ci / npm install build it through `prepare`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error(`marsbook: the package is not built yet; run \`npm run build\` in ${join(__dirname, '..')}`);
  process.exit(2);
}
// The bench measures every layer, so it is composed in here rather than imported by the CLI.
const { benchExtension } = require(join(__dirname, '..', 'dist', 'bench', 'command.js'));
require(entry)
  .main(process.argv.slice(2), undefined, [benchExtension])
  .then((code) => {
    process.exitCode = code;
  });
