/**
 * marsbook: order flow, an exact matching engine, order tokens and a generative market model, for
 * notebooks. Everything public is exported from here.
 *
 *     import * as mb from 'marsbook';
 *     const day = await mb.loadLobster(messages, orderbook);
 *     const replay = mb.replayLobster(day.flow, day.frames);
 */

// data: order flow in
export { loadLobster, loadLobsterSync, type LoadLobsterOptions, type LobsterData, type FileAccount } from './data/lobster-load';
export { loadVenueCsv, type VenueCsvMapping, type LoadVenueOptions, type VenueData, type TimeFormat, type EventName } from './data/venue-csv';
export { OrderFlow, EventType, EVENT_TYPE_NAMES, NASDAQ, BUY, SELL, type Side, type EventTypeCode, type VenueSettings, type OrderFlowMeta, type OrderFlowColumns } from './data/order-flow';
export { BookFrames, orderbookColumnName } from './data/book-frames';
export { DataError, describeBadLine, type BadLine, type OnError } from './data/errors';
export { parseLobsterFileName, pairedOrderbookPath, findOrderbookBeside, lobsterFileName, LOBSTER_FILLER, type LobsterFileName } from './data/lobster-names';
export { lobsterSample, lobsterSampleDir, type LobsterPair } from './data/sample-data';
export { packageRoot } from './util/package-root';
export { importArquero, importDanfo, loadArquero, loadDanfo, ColumnarFrame, type Columns, type Column } from './data/tables';

// book: matching engine
export { OrderBook, ORDER_LIST_FIELDS, type RestingOrder, type BookSnapshot } from './book/order-book';
export { TradeTape, TradeKind, ANONYMOUS } from './book/trade-tape';

// replay: LOBSTER days through the engine
export { replayLobster, LobsterReplayer, type ReplayOptions, type ReplayReport, type LevelMismatch, type HaltEvent } from './replay/lobster-replay';
export { replayFrames } from './replay/replay-frames';

// sim
export { NoiseTrader, generateNoiseStream, DEFAULT_NOISE, type NoiseOptions, type NoiseAction, type OrderStream } from './sim/noise';
export { LobsterRecorder } from './sim/lobster-recorder';
export { syntheticLobsterDay, type SyntheticDayOptions } from './sim/synthetic-day';
export { simulate, simulateStarts, type SimulateOptions, type SimulateStartsOptions } from './sim/simulate';
export { runImpactExperiment, type ImpactExperiment, type ImpactExperimentOptions, type ImpactRun, type ImpactSchedule } from './sim/impact-experiment';
export { Trajectories, SimTable, type TrajectorySummary } from './sim/trajectories';
export { startFromDay, startFromNoise, stateBook, type StartState, type StartFromDayOptions, type StartFromNoiseOptions, type ReplayOrders } from './sim/start-state';
export { seconds, type Agent, type Market, type AgentSpec, type TwapSpec, type ScriptedSpec, type ScriptedOrder, type NoiseSpec } from './sim/agent';
export { TwapAgent } from './sim/agents/twap';
export { ScriptedAgent } from './sim/agents/scripted';
export { NoiseAgent } from './sim/agents/noise';
export { ReplayAgent } from './sim/agents/replay';
export type { WorldStats } from './sim/world';
export { MESSAGE_SCHEMA, ORDER_LOG_SCHEMA, SNAPSHOT_SCHEMA } from './sim/logs';
export { OWNER } from './sim/exchange';
export type { RunSpec, TrajectoryData, WorldKind } from './sim/run-group';
// past one machine: groups of a run on Redis queue workers (bullmq and ioredis load on first use)
export type { RedisBackend } from './sim/queue';
export type { QueueRunStats } from './sim/queue-run';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './sim/queue-worker';
export { writeLobsterFiles, lobsterCsv, type LobsterMessageColumns, type LobsterWriteOptions } from './data/lobster-write';

// tokenize: orders as language
export { BinConverter, type BinConverterJson, type FitOptions as BinFitOptions } from './tokenize/bin-converter';
export { OrderEvents, ORDER_EVENT_SCHEMA, priceLevel, priceAtLevel, secondsFromOpen, midChangeBp, lobSlotVolumes, ORDER_TYPE_NAMES, TYPE_SELL, TYPE_BUY, TYPE_CANCEL, LOB_SLOTS, type OrderTypeName, type OrderEventColumns, type OrderEventStats, type OrderEventsMeta } from './data/order-events';
export { extractOrders, type ExtractOrdersOptions } from './replay/lobster-orders';
export { OrderTokenizer, DEFAULT_TOKENIZER_CONFIG, type TokenizerConfig, type TokenizerJson, type DecodedOrder, type BookView, type TokenizerFitOptions } from './tokenize/order-tokenizer';
export { OrderTokens, ORDER_TOKEN_SCHEMA, type ClippedCounts, type OrderTokenColumns, type OrderTokensMeta } from './tokenize/order-tokens';
export { featureRow, FeatureBinner, ContextRowBuilder, CONTEXT_ROW_FEATURES, CONTEXT_ROW_WIDTH, type RawOrderContext } from './tokenize/context-row';
export { MARS_LAYOUT, tokenId, tokenParts, vocabularySize, type TokenLayout, type TokenParts } from './tokenize/token-layout';
export { orderBatches, OrderBatches, BatchTokenizer, type OrderBatchOptions, type BatchReconstruction, type BatchTokenizerJson } from './tokenize/batch-tokens';
export { readColumnFile, writeColumnFile, type ColumnFile } from './tokenize/token-file';

// plot
export { Chart, VEGA_LITE_MIME } from './plot/chart';
export { THEME, COLORS } from './plot/theme';
import * as tokenCharts from './plot/token-charts';
import * as bookCharts from './plot/book-charts';
import * as modelCharts from './plot/model-charts';
import * as simCharts from './plot/sim-charts';
export { loadScalingResults, loadLossLog, type ScalingResults, type ScalingPoint, type PowerLawFit, type LossRecord } from './plot/model-charts';
export type { DaySource, TimeChartOptions } from './plot/book-charts';
export type { TableLike } from './plot/data-access';

// model: the Large Market Model
export { LargeMarketModel, modelIdentity, type ModelIdentity, tokenFeatures, shippedModelDir, LMM_FEATURES, N_FEATURES, type LmmConfigJson, type LmmArchitecture, type ScoreResult, type ScoreOptions, type HeadLogits, type LoadOptions as LmmLoadOptions } from './model/lmm';
export { TokenGenerator, type GeneratorOptions, type SampledTokens } from './model/generator';
export type { SamplingOptions } from './model/sampling';
export { NgramBaselines } from './model/baselines';

// notebook
export { display, mimeBundle, markdown, Markdown, type DisplayOptions } from './notebook/display';
export { installKernel, uninstallKernel, listKernels, kernelSpec, kernelDir, type KernelLocation, type KernelSpec } from './notebook/kernelspec';
export { runNotebooks, checkExecutedNotebook, type NotebookCheck, type RunNotebooksOptions } from './notebook/runner';

// analysis
export { summarizeDay, clockTime, type DaySummary } from './analysis/day-summary';
export { fanBands, type FanBands } from './analysis/futures';
export { l1Distance, wasserstein1, l1Draws, w1Draws, interval, summarizeScores, freedmanDiaconisEdges, type DistanceWithInterval, type BootstrapDraws, type BootstrapOptions } from './analysis/distances';
export { sequenceScores, DISCRETE_SCORES, type LobSequence, type SequenceScores, type ScoreSamples } from './analysis/lob-scores';
export { realismScores, type RealismReport, type ScoreComparison, type RealismOptions } from './analysis/realism';
export { impactMeasures, type ImpactReport, type ImpactPoint, type ImpactOptions, type Estimate } from './analysis/impact';
export { closedLoopReport, type ClosedLoopReport, type ClosedLoopRow } from './analysis/closed-loop';
export { clockSeconds, clockString } from './util/clock';

// utilities
/**
 * The machinery under the public API, for those who build on it (a custom simulation loop, another
 * tokenizer): reachable as `mb.internals.*`, with no promise that names stay put between releases.
 */
export * as internals from './internals';
export { Rng } from './util/rng';
export { progressReporter, type ProgressCallback, type ProgressReporter } from './util/progress';

/** Chart builders: plain functions of data and options that return a `Chart` (a Vega-Lite v5 spec). */
export const charts = {
  quotes: bookCharts.quotesChart,
  spreadDepth: bookCharts.spreadDepthChart,
  depthHeatmap: bookCharts.depthHeatmapChart,
  depthProfile: bookCharts.depthProfileChart,
  eventCounts: bookCharts.eventCountsChart,
  tokenHeatmap: tokenCharts.tokenHeatmap,
  tokenHistogram: tokenCharts.tokenHistogram,
  binEdges: tokenCharts.binEdgesChart,
  orderImage: tokenCharts.orderImageChart,
  batchImage: tokenCharts.batchImageChart,
  codebookEntry: tokenCharts.codebookEntryChart,
  lossCurve: modelCharts.lossCurveChart,
  scaling: modelCharts.scalingChart,
  fan: simCharts.fanChart,
  perMinute: simCharts.perMinuteChart,
};
