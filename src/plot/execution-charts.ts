/**
 * Charts of the execution agent: its training curve, the shortfalls of the agent and the baselines,
 * the decisions it took in the evaluation, and its policy as a map over two observation features.
 * None runs the environment: they draw `trainExecutionPolicy`'s curve, `compareExecutions`'s
 * summary, `evaluateExecution`'s decision columns, or evaluate a policy's formula on a grid.
 */
import type { TopLevelSpec } from 'vega-lite';
import { Chart } from './chart';
import { COLORS } from './theme';
import type { TrainingRow, TrainingResult } from '../sim/env/reinforce';
import type { ExecutionEvaluation } from '../sim/env/evaluate';
import type { ExecutionComparison } from '../analysis/execution';
import type { SoftmaxPolicy } from '../sim/env/policy';
import { OBSERVATION_FEATURES, type ObservationFeature } from '../sim/env/execution-agent';

const levelName = (level: number): string => (level === Infinity ? 'market' : String(level));
const actionLabel = (pvr: number, level: number): string => `PVR ${pvr} · level ${levelName(level)}`;

export interface TrainingCurveOptions {
  title?: string;
  /** Iterations in the moving average (default: a tenth of the run, at least 1). */
  window?: number;
}

/** Mean shortfall of each iteration's (sampled) episodes with its moving average, and the policy's entropy below. */
export function trainingCurveChart(training: TrainingRow[] | TrainingResult, options: TrainingCurveOptions = {}): Chart {
  const curve = Array.isArray(training) ? training : training.curve;
  if (curve.length === 0) throw new Error('trainingCurveChart: no iterations');
  const w = Math.max(1, Math.floor(options.window ?? Math.max(1, Math.round(curve.length / 10))));
  const rows = curve.map((r, i) => {
    const from = Math.max(0, i - w + 1);
    let s = 0;
    for (let j = from; j <= i; j++) s += curve[j].meanShortfallBp;
    return { iteration: r.iteration + 1, shortfall: r.meanShortfallBp, average: s / (i - from + 1), entropy: r.entropy };
  });
  const x = { field: 'iteration', type: 'quantitative', title: 'iteration' } as const;
  return new Chart({
    title: { text: options.title ?? 'training: mean shortfall of each batch of episodes', subtitle: `points: one iteration's episodes (actions sampled) · line: moving average over ${w} · lower is better` },
    data: { values: rows },
    vconcat: [
      {
        width: 560,
        height: 220,
        layer: [
          { mark: { type: 'point', filled: true, opacity: 0.5, color: COLORS.cancel }, encoding: { x, y: { field: 'shortfall', type: 'quantitative', title: 'mean shortfall (bp)', scale: { zero: false } } } },
          { mark: { type: 'line', color: COLORS.buy, strokeWidth: 2 }, encoding: { x, y: { field: 'average', type: 'quantitative' } } },
        ],
      },
      {
        width: 560,
        height: 90,
        mark: { type: 'line', color: COLORS.accent },
        encoding: { x, y: { field: 'entropy', type: 'quantitative', title: 'entropy (nats)', scale: { zero: true } } },
      },
    ],
  } as TopLevelSpec);
}

export interface ShortfallsChartOptions {
  title?: string;
  /** The policy drawn in the accent colour (default 'agent'). */
  agent?: string;
}

/** Mean shortfall per policy with ±1.96 standard errors; the agent's difference to the best TWAP in the subtitle. */
export function shortfallsChart(comparison: ExecutionComparison, options: ShortfallsChartOptions = {}): Chart {
  const agent = options.agent ?? 'agent';
  const rows = comparison.policies.map((p) => ({
    policy: p.policy,
    mean: p.meanShortfallBp,
    lo: p.meanShortfallBp - 1.96 * (p.seBp || 0),
    hi: p.meanShortfallBp + 1.96 * (p.seBp || 0),
    episodes: p.episodes,
    who: p.policy === agent ? 'agent' : 'baseline',
  }));
  const d = comparison.difference;
  const sub = d ? `${d.policy} − best TWAP (${d.against}): ${d.meanBp.toFixed(2)} bp, ${Math.round(d.level * 100)}% paired bootstrap interval ${d.ci[0].toFixed(2)} to ${d.ci[1].toFixed(2)} (${d.pairs} episode${d.pairs === 1 ? '' : 's'}) · bars: ±1.96 s.e.` : 'bars: ±1.96 s.e.';
  const y = { field: 'policy', type: 'nominal', title: null, sort: rows.map((r) => r.policy) } as const;
  return new Chart({
    title: { text: options.title ?? 'implementation shortfall against the arrival mid (bp; lower is cheaper)', subtitle: sub },
    width: 480,
    height: 26 * rows.length,
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', color: '#999999' }, encoding: { x: { datum: 0 } } },
      { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: 'mean shortfall (bp)' }, x2: { field: 'hi' }, color: { condition: { test: "datum.who === 'agent'", value: COLORS.accent }, value: COLORS.cancel } } },
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { y, x: { field: 'mean', type: 'quantitative' }, color: { condition: { test: "datum.who === 'agent'", value: COLORS.accent }, value: COLORS.mid }, tooltip: [{ field: 'policy' }, { field: 'mean', format: '.2f' }, { field: 'episodes' }] } },
    ],
  } as TopLevelSpec);
}

export interface ExecutionActionsOptions {
  title?: string;
  /** Whose decisions (default 'agent'). */
  policy?: string;
  /** Columns: the slice (default) or an observation feature, cut into `bins` equal-count bins. */
  by?: 'slice' | ObservationFeature;
  bins?: number;
}

/** How often the policy took each action, by slice or by an observation feature: what the agent learned. */
export function executionActionsChart(evaluation: Pick<ExecutionEvaluation, 'decisions'>, options: ExecutionActionsOptions = {}): Chart {
  const policy = options.policy ?? 'agent';
  const by = options.by ?? 'slice';
  if (by !== 'slice' && !OBSERVATION_FEATURES.includes(by)) throw new RangeError(`executionActionsChart: by must be 'slice' or one of ${OBSERVATION_FEATURES.join(', ')}, got ${JSON.stringify(by)}`);
  const c = evaluation.decisions.columns();
  const names = c.policy as readonly string[];
  const pvr = c.pvr as Float64Array;
  const level = c.level as Float64Array;
  const key = (by === 'slice' ? c.slice : c[by]) as ArrayLike<number>;
  const idx: number[] = [];
  for (let i = 0; i < names.length; i++) if (names[i] === policy && pvr[i] === pvr[i]) idx.push(i);
  if (idx.length === 0) throw new Error(`executionActionsChart: no decisions of policy ${JSON.stringify(policy)}`);
  let column: (i: number) => string;
  let order: string[];
  if (by === 'slice') {
    column = (i) => String(key[i] + 1);
    order = [...new Set(idx.map(column))].sort((a, b) => Number(a) - Number(b));
  } else {
    const bins = Math.max(1, Math.floor(options.bins ?? 5));
    const sorted = idx.map((i) => key[i]).sort((a, b) => a - b);
    const edges = Array.from({ length: bins - 1 }, (_, b) => sorted[Math.floor(((b + 1) * sorted.length) / bins)]);
    const uniq = [...new Set(edges)];
    const label = (b: number) => (b === 0 ? `< ${uniq[0]?.toFixed(2) ?? '∞'}` : b === uniq.length ? `≥ ${uniq[b - 1].toFixed(2)}` : `${uniq[b - 1].toFixed(2)}–${uniq[b].toFixed(2)}`);
    column = (i) => {
      let b = 0;
      while (b < uniq.length && key[i] >= uniq[b]) b++;
      return label(b);
    };
    order = Array.from({ length: uniq.length + 1 }, (_, b) => label(b));
  }
  const counts = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const i of idx) {
    const col = column(i);
    const k = `${col}\u0000${actionLabel(pvr[i], level[i])}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    totals.set(col, (totals.get(col) ?? 0) + 1);
  }
  const rows = [...counts].map(([k, n]) => {
    const [col, action] = k.split('\u0000');
    return { column: col, action, share: n / totals.get(col)!, decisions: n };
  });
  const actions = [...new Set(idx.map((i) => `${pvr[i]}\u0000${level[i]}`))]
    .map((s) => s.split('\u0000').map(Number))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([p, l]) => actionLabel(p, l));
  const xTitle = by === 'slice' ? 'slice (one decision each)' : `${by} (observation, equal-count bins)`;
  return new Chart({
    title: { text: options.title ?? `${policy}: which (PVR, level) it chose, by ${by === 'slice' ? 'slice' : by}`, subtitle: `share of the ${idx.length} decisions in each column` },
    width: Math.max(240, 44 * order.length),
    height: 22 * actions.length,
    data: { values: rows },
    layer: [
      {
        mark: 'rect',
        encoding: {
          x: { field: 'column', type: 'ordinal', title: xTitle, sort: order },
          y: { field: 'action', type: 'ordinal', title: null, sort: actions },
          color: { field: 'share', type: 'quantitative', title: 'share', scale: { scheme: 'blues', domain: [0, 1] } },
          tooltip: [{ field: 'column' }, { field: 'action' }, { field: 'share', format: '.2f' }, { field: 'decisions' }],
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          x: { field: 'column', type: 'ordinal', sort: order },
          y: { field: 'action', type: 'ordinal', sort: actions },
          text: { field: 'share', format: '.0%' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#333333' },
        },
      },
    ],
  } as TopLevelSpec);
}

export interface PolicyMapOptions {
  title?: string;
  /** Features on the axes (default timeLeft across, move up). */
  x?: ObservationFeature;
  y?: ObservationFeature;
  /** Their ranges (default: timeLeft and quantityLeft 0.1…1, the others −3…3) and grid points (default 10 × 13). */
  xRange?: [number, number];
  yRange?: [number, number];
  points?: [number, number];
  /** The other features' values (default: on schedule — quantityLeft = timeLeft, behindSchedule 0 — spread 1 (10 ticks), the rest 0). */
  base?: Partial<Record<ObservationFeature, number>>;
}

/** A policy as a map: over a grid of two features, the expected PVR and the expected aggressive level under π. */
export function policyMapChart(policy: SoftmaxPolicy, options: PolicyMapOptions = {}): Chart {
  const fx = options.x ?? 'timeLeft';
  const fy = options.y ?? 'move';
  for (const f of [fx, fy]) if (!OBSERVATION_FEATURES.includes(f)) throw new RangeError(`policyMapChart: ${JSON.stringify(f)} is not an observation feature (${OBSERVATION_FEATURES.join(', ')})`);
  const range = (f: ObservationFeature): [number, number] => (f === 'timeLeft' || f === 'quantityLeft' || f === 'passiveFill' ? [0.1, 1] : f === 'volume' ? [0, 3] : [-3, 3]);
  const [nx, ny] = options.points ?? [10, 13];
  const [x0, x1] = options.xRange ?? range(fx);
  const [y0, y1] = options.yRange ?? range(fy);
  const obs = new Float64Array(OBSERVATION_FEATURES.length);
  const probs = new Float64Array(policy.actions.length);
  const at = (f: ObservationFeature) => OBSERVATION_FEATURES.indexOf(f);
  const rows: Array<Record<string, number | string>> = [];
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const vx = nx > 1 ? x0 + ((x1 - x0) * i) / (nx - 1) : x0;
      const vy = ny > 1 ? y0 + ((y1 - y0) * j) / (ny - 1) : y0;
      obs.fill(0);
      obs[at('spread')] = 1;
      for (const [k, v] of Object.entries(options.base ?? {})) obs[at(k as ObservationFeature)] = v as number;
      obs[at(fx)] = vx;
      obs[at(fy)] = vy;
      if (!options.base || options.base.quantityLeft === undefined) if (fx !== 'quantityLeft' && fy !== 'quantityLeft') obs[at('quantityLeft')] = obs[at('timeLeft')];
      policy.probabilities(obs, probs);
      let pvr = 0;
      let level = 0;
      policy.actions.forEach((a, k) => {
        pvr += probs[k] * a.pvr;
        level += probs[k] * (a.level === Infinity ? 10 : a.level);
      });
      rows.push({ x: +vx.toFixed(3), y: +vy.toFixed(3), what: 'expected PVR', value: pvr }, { x: +vx.toFixed(3), y: +vy.toFixed(3), what: 'expected aggressive level', value: level });
    }
  }
  const panel = (what: string, scheme: string) => ({
    width: 260,
    height: 220,
    transform: [{ filter: { field: 'what', equal: what } }],
    mark: 'rect',
    encoding: {
      x: { field: 'x', type: 'ordinal', title: fx, sort: 'ascending', axis: { labelAngle: 0, format: '.1f' } },
      y: { field: 'y', type: 'ordinal', title: fy, sort: 'descending', axis: { format: '.1f' } },
      color: { field: 'value', type: 'quantitative', title: what === 'expected PVR' ? 'E[PVR]' : 'E[level]', scale: { scheme } },
      tooltip: [{ field: 'x' }, { field: 'y' }, { field: 'value', format: '.2f' }],
    },
  });
  return new Chart({
    title: { text: options.title ?? `${policy.name}: what it does, by ${fx} and ${fy}`, subtitle: ['left: expected passive-volume ratio, right: expected aggressive level, under the policy', 'other features: on schedule (quantityLeft = timeLeft), spread 10 ticks, the rest 0'] },
    data: { values: rows },
    hconcat: [panel('expected PVR', 'blues'), panel('expected aggressive level', 'oranges')],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec);
}
