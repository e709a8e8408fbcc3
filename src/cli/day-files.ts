/** What several commands share: finding the day to work on, and reading a time of day from a flag. */
import { lobsterSample } from '../data/sample-data';
import { clockSeconds } from '../util/clock';
import { CliError } from './io';

/** The GOOG level-10 sample beside the repository, or an error saying where it was looked for (`usage`: the flags to name files with). */
export function sampleDayFiles(usage = '--messages FILE [--orderbook FILE]'): { messages: string; orderbook: string } {
  const sample = lobsterSample('GOOG', 10);
  if (!sample) {
    throw new CliError(
      'no LOBSTER files named and no samples found (looked for ../shared/data/lobster beside the repository and $MARSBOOK_LOBSTER_DIR); ' +
        `pass ${usage}`,
      2,
    );
  }
  return { messages: sample.messages, orderbook: sample.orderbook };
}

/** Resolve the files: the ones named, else the GOOG level-10 sample beside the repository. */
export function resolveDayFiles(o: { messages?: string; orderbook?: string }): { messages: string; orderbook: string | undefined } {
  if (o.messages) return { messages: o.messages, orderbook: o.orderbook };
  if (o.orderbook) throw new CliError('--orderbook needs --messages');
  return sampleDayFiles();
}

/** Seconds after midnight of an HH:MM[:SS] flag value, or a one-line error naming the flag. */
export function clockFlag(value: string, flag: string): number {
  try {
    return clockSeconds(value);
  } catch (e) {
    throw new CliError(`${flag}: ${(e as Error).message}`);
  }
}
