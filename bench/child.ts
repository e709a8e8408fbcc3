/**
 * One bench group in a process of its own (started by runBench in suite.ts):
 * `node bench/child.js GROUP '{"quick":false,"noPandas":false}'`. Progress lines go to stderr, the
 * figures as one JSON object to stdout.
 */
import { runBenchInProcess } from './suite';

const [group, settings] = process.argv.slice(2);
const { quick, noPandas } = JSON.parse(settings ?? '{}') as { quick?: boolean; noPandas?: boolean };
process.stderr.write(`bench ${group}: process ${process.pid}\n`);
runBenchInProcess({ only: [group], quick, noPandas, log: (l) => process.stderr.write(l + '\n') })
  .then((figures) => process.stdout.write(JSON.stringify(figures)))
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
