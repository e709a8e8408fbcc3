/**
 * Charts of the Large Market Model: its training curve, and the scaling study (validation loss
 * against parameters and training tokens, with the fitted power law).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { COLORS } from './theme';
import { packageRoot } from '../util/package-root';

export interface ScalingPoint {
  name: string;
  dim: number;
  layers: number;
  heads: number;
  dataFraction: number;
  parameters: number;
  trainTokens: number;
  validBits: number;
  bestStep: number | null;
  tokensSeen: number;
  seconds: number;
  unigramBits: number;
  bigramBits: number;
}

export interface PowerLawFit {
  form: string;
  E: number;
  A: number;
  alpha: number;
  B: number;
  beta: number;
  r2: number;
  rmse: number;
  predicted: number[];
}

export interface ScalingResults {
  points: ScalingPoint[];
  fit: PowerLawFit | null;
  base: string;
  note: string;
}

/** The scaling study's results (default: data/scaling/results.json, written by `npm run train:scaling`). */
export function loadScalingResults(path = join(packageRoot(), 'data', 'scaling', 'results.json')): ScalingResults {
  if (!existsSync(path)) throw new Error(`no scaling results at ${path} (run npm run train:scaling)`);
  return JSON.parse(readFileSync(path, 'utf8')) as ScalingResults;
}

export interface LossRecord {
  step: number;
  tokensSeen: number;
  seconds: number;
  trainBits: number;
  validBits: number;
}

/** A training log (loss.jsonl: one JSON object per evaluation). */
export function loadLossLog(path: string): LossRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LossRecord);
}

/** Training and validation loss against tokens seen, with the baselines as rules. */
export function lossCurveChart(log: LossRecord[], options: { unigram?: number; bigram?: number; title?: string } = {}): Chart {
  const rows = log.flatMap((r) => [
    { tokens: r.tokensSeen, bits: r.trainBits, curve: 'training (running mean)' },
    { tokens: r.tokensSeen, bits: r.validBits, curve: 'held out' },
  ]);
  const rules = [
    ...(options.unigram !== undefined ? [{ bits: options.unigram, label: `unigram ${options.unigram.toFixed(2)}` }] : []),
    ...(options.bigram !== undefined ? [{ bits: options.bigram, label: `bigram ${options.bigram.toFixed(2)}` }] : []),
  ];
  const best = log.reduce((a, r) => (r.validBits < a.validBits ? r : a), log[0]);
  const spec: TopLevelSpec = {
    title: { text: options.title ?? 'Training curve', subtitle: `best held-out ${best.validBits.toFixed(3)} bits/token after ${best.tokensSeen.toLocaleString('en-US')} tokens` },
    width: 560,
    height: 260,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'tokens', type: 'quantitative', title: 'tokens seen' },
          y: { field: 'bits', type: 'quantitative', scale: { zero: false }, title: 'bits per token' },
          color: { field: 'curve', type: 'nominal', scale: { domain: ['held out', 'training (running mean)'], range: [COLORS.buy, COLORS.cancel] }, legend: { labelLimit: 220 }, title: null },
        },
      },
      {
        data: { values: rules },
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 3], color: COLORS.sell }, encoding: { y: { field: 'bits', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'right', dy: -6, color: COLORS.sell, x: 'width' }, encoding: { y: { field: 'bits', type: 'quantitative' }, text: { field: 'label' } } },
        ],
      },
    ],
  } as TopLevelSpec;
  return new Chart(spec);
}

/**
 * The scaling study: held-out loss against parameters (one line per data fraction) and against
 * training tokens (one line per model size), points measured and lines from the fitted power law.
 */
export function scalingChart(results: ScalingResults, options: { title?: string } = {}): Chart {
  const fractionLabel = (f: number) => `${Math.round(f * 100)}% of the data`;
  const sizeLabel = (n: number) => `${(n / 1000).toFixed(0)}k parameters`;
  const pts = results.points.map((p) => ({ ...p, fraction: fractionLabel(p.dataFraction), size: sizeLabel(p.parameters) }));
  // Legends in numeric order, not text order ("25%" before "100%", "54k" before "155k").
  const fractionDomain = [...new Set(results.points.map((p) => p.dataFraction))].sort((a, b) => a - b).map(fractionLabel);
  const sizeDomain = [...new Set(results.points.map((p) => p.parameters))].sort((a, b) => a - b).map(sizeLabel);
  const fit = results.fit;
  const curvesN: Array<Record<string, number | string>> = [];
  const curvesD: Array<Record<string, number | string>> = [];
  if (fit) {
    const law = (n: number, d: number) => fit.E + fit.A * n ** -fit.alpha + fit.B * d ** -fit.beta;
    const ns = pts.map((p) => p.parameters);
    const ds = pts.map((p) => p.trainTokens);
    const [n0, n1] = [Math.min(...ns) / 1.5, Math.max(...ns) * 3];
    const [d0, d1] = [Math.min(...ds) / 1.5, Math.max(...ds) * 3];
    for (const frac of [...new Set(pts.map((p) => p.dataFraction))]) {
      const d = pts.find((p) => p.dataFraction === frac)!.trainTokens;
      for (let k = 0; k <= 40; k++) {
        const n = n0 * (n1 / n0) ** (k / 40);
        curvesN.push({ parameters: n, bits: law(n, d), fraction: fractionLabel(frac) });
      }
    }
    for (const par of [...new Set(pts.map((p) => p.parameters))]) {
      for (let k = 0; k <= 40; k++) {
        const d = d0 * (d1 / d0) ** (k / 40);
        curvesD.push({ tokens: d, bits: law(par, d), size: sizeLabel(par) });
      }
    }
  }
  const subtitle = fit
    ? `fit: L = ${fit.E.toFixed(2)} + ${fit.A.toPrecision(3)}·N^−${fit.alpha.toFixed(2)} + ${fit.B.toPrecision(3)}·D^−${fit.beta.toFixed(2)} bits/token (R² ${fit.r2.toFixed(3)}); points: best held-out loss of each run`
    : 'best held-out loss of each run';
  const yEnc = { field: 'bits', type: 'quantitative', scale: { zero: false }, title: 'held-out bits per token' };
  const spec: TopLevelSpec = {
    title: { text: options.title ?? 'Scaling: held-out loss against model size and data', subtitle },
    hconcat: [
      {
        width: 300,
        height: 260,
        layer: [
          { data: { values: curvesN }, mark: { type: 'line', strokeWidth: 1, opacity: 0.7 }, encoding: { x: { field: 'parameters', type: 'quantitative', scale: { type: 'log' }, title: 'parameters N' }, y: yEnc, color: { field: 'fraction', type: 'nominal', scale: { domain: fractionDomain }, title: 'data' } } },
          {
            data: { values: pts },
            mark: { type: 'point', filled: true, size: 60 },
            encoding: {
              x: { field: 'parameters', type: 'quantitative', scale: { type: 'log' } },
              y: { field: 'validBits', type: 'quantitative' },
              color: { field: 'fraction', type: 'nominal', scale: { domain: fractionDomain }, title: 'data' },
              tooltip: [{ field: 'name', type: 'nominal' }, { field: 'parameters', type: 'quantitative', format: ',' }, { field: 'trainTokens', type: 'quantitative', format: ',' }, { field: 'validBits', type: 'quantitative', format: '.3f' }],
            },
          },
        ],
      },
      {
        width: 300,
        height: 260,
        layer: [
          { data: { values: curvesD }, mark: { type: 'line', strokeWidth: 1, opacity: 0.7 }, encoding: { x: { field: 'tokens', type: 'quantitative', scale: { type: 'log' }, title: 'training tokens D' }, y: yEnc, color: { field: 'size', type: 'nominal', scale: { domain: sizeDomain }, title: 'model' } } },
          {
            data: { values: pts },
            mark: { type: 'point', filled: true, size: 60, shape: 'diamond' },
            encoding: {
              x: { field: 'trainTokens', type: 'quantitative', scale: { type: 'log' } },
              y: { field: 'validBits', type: 'quantitative' },
              color: { field: 'size', type: 'nominal', scale: { domain: sizeDomain }, title: 'model' },
              tooltip: [{ field: 'name', type: 'nominal' }, { field: 'validBits', type: 'quantitative', format: '.3f' }],
            },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'independent', y: 'shared' } },
  } as TopLevelSpec;
  return new Chart(spec);
}
