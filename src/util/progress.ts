/**
 * Progress for long work (replaying a day, tokenizing, training, generating): one line that updates
 * in place on a terminal, a display that updates in place in a notebook, nothing in logs and pipes.
 * Library functions take an `onProgress(done, total)` callback; `progressReporter` makes one that
 * suits where the code runs.
 */
import { SingleBar } from 'cli-progress';

export type ProgressCallback = (done: number, total: number) => void;

export interface ProgressReporter {
  /** Pass this to library functions. */
  readonly onProgress: ProgressCallback;
  /** Close the bar (prints the final state once). */
  finish(): void;
}

/** Renders progress somewhere; the kernel installs a notebook renderer (see `setProgressRenderer`). */
export type ProgressRenderer = (label: string) => ProgressReporter | null;

let notebookRenderer: ProgressRenderer | null = null;

/** Install a renderer used by `progressReporter` (the marsbook kernel integration does this). */
export function setProgressRenderer(renderer: ProgressRenderer | null): void {
  notebookRenderer = renderer;
}

const SILENT: ProgressReporter = { onProgress: () => {}, finish: () => {} };

/** A bar on one terminal line (stderr), redrawn in place at most 10 times a second. */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return SILENT;
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
    stream,
    fps: 10,
    hideCursor: true,
    clearOnComplete: false,
    barsize: 30,
  });
  let started = false;
  return {
    onProgress(done, total) {
      if (!started) {
        bar.start(Math.max(1, total), done);
        started = true;
      } else {
        if (total > 0) bar.setTotal(total);
        bar.update(done);
      }
    },
    finish() {
      if (started) bar.stop();
    },
  };
}

/** The reporter that suits the environment: the notebook's when one is installed, else a terminal bar, else silence. */
export function progressReporter(label: string): ProgressReporter {
  return notebookRenderer?.(label) ?? terminalProgress(label);
}

/**
 * The progress callback a long-running library function should use: the caller's `onProgress` when
 * given; otherwise, inside the marsbook kernel, a notebook display that updates in place; otherwise
 * nothing. Call `finish()` when the work is done.
 */
export function autoProgress(label: string, onProgress?: ProgressCallback): { onProgress: ProgressCallback | undefined; finish(): void } {
  if (onProgress) return { onProgress, finish: () => {} };
  const r = notebookRenderer?.(label) ?? null;
  return r ? { onProgress: r.onProgress, finish: () => r.finish() } : { onProgress: undefined, finish: () => {} };
}
