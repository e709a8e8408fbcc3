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
export { ExecutionEnv, EXECUTION_ACTIONS, startsBetween, type ExecutionEnvOptions, type ResetOptions, type StepResult, type ExecutionInfo } from './sim/env/execution-env';
export { ExecutionAgent, OBSERVATION_FEATURES, type ExecutionTask, type ExecutionAction, type ObservationFeature } from './sim/env/execution-agent';
export { SoftmaxPolicy, ConstantPolicy, baselinePolicies, constantPolicyName, type ExecutionPolicy, type SoftmaxPolicyJson } from './sim/env/policy';
export { trainExecutionPolicy, type TrainExecutionOptions, type TrainingRow, type TrainingResult } from './sim/env/reinforce';
export { evaluateExecution, type EvaluateExecutionOptions, type ExecutionEvaluation } from './sim/env/evaluate';
// past one machine: groups of a run on Redis queue workers (bullmq and ioredis load on first use)
export type { RedisBackend } from './sim/queue';
export type { QueueRunStats } from './sim/queue-run';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './sim/queue-worker';
export { writeLobsterFiles, lobsterCsv, type LobsterMessageColumns, type LobsterWriteOptions } from './data/lobster-write';

// tokenize: orders as language
export { BinConverter, type BinConverterJson, type FitOptions as BinFitOptions } from './tokenize/bin-converter';
export { OrderEvents, ORDER_EVENT_SCHEMA, priceLevel, priceAtLevel, secondsFromOpen, midChangeBp, lobSlotVolumes, ORDER_TYPE_NAMES, TYPE_SELL, TYPE_BUY, TYPE_CANCEL, LOB_SLOTS, type OrderTypeName, type OrderEventColumns, type OrderEventStats, type OrderEventsMeta } from './data/order-events';
export { extractOrders, type ExtractOrdersOptions } from './replay/lobster-orders';
export { OrderTokenizer, DEFAULT_TOKENIZER_CONFIG, type TokenizerConfig, type TokenizerJson, type DecodedOrder, type BookView, type TokenizerFitOptions, type ContextScheme } from './tokenize/order-tokenizer';
export { TOUCH_ROW_FEATURES, TOUCH_ROW_WIDTH, TouchFeatureBinner, TouchRowBuilder } from './tokenize/touch-context-row';
export { CROSS, PLACEMENT_RANGES, CANCEL_RANGES, placementOf, cancelPlacementOf, spreadBin, gapBin, tradeAgeBin } from './tokenize/touch-bins';
export { OrderTokens, ORDER_TOKEN_SCHEMA, type ClippedCounts, type OrderTokenColumns, type OrderTokensMeta } from './tokenize/order-tokens';
export { featureRow, FeatureBinner, ContextRowBuilder, CONTEXT_ROW_FEATURES, CONTEXT_ROW_WIDTH, type RawOrderContext, type RowBuilder } from './tokenize/context-row';
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
import * as forecastCharts from './plot/forecast-charts';
import * as impactCharts from './plot/impact-charts';
import * as microCharts from './plot/microstructure-charts';
export type { ImpactChartOptions } from './plot/impact-charts';
export type { FlowChartOptions, PropagatorChartOptions, PriceResponseChartOptions } from './plot/microstructure-charts';
import * as realismCharts from './plot/realism-charts';
export { loadScalingResults, loadLossLog, type ScalingResults, type ScalingPoint, type PowerLawFit, type LossRecord } from './plot/model-charts';
export type { DaySource, TimeChartOptions } from './plot/book-charts';
export type { TableLike } from './plot/data-access';
export type { StylizedFactsChartOptions, OverlapChartOptions } from './plot/realism-charts';
import * as executionCharts from './plot/execution-charts';
export type { TrainingCurveOptions, ShortfallsChartOptions, ExecutionActionsOptions, PolicyMapOptions } from './plot/execution-charts';

// model: the Large Market Model
export { LargeMarketModel, modelIdentity, type ModelIdentity, tokenFeatures, shippedModelDir, resolveModelDir, SHIPPED_MODELS, DEFAULT_MODEL, LMM_FEATURES, N_FEATURES, type LmmConfigJson, type LmmArchitecture, type ScoreResult, type ScoreOptions, type HeadLogits, type LoadOptions as LmmLoadOptions } from './model/lmm';
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
export { impactMeasures, impactFitPoints, impactDecayPath, type ImpactMeasure, type ImpactReport, type ImpactMeasurement, type ImpactOptions } from './analysis/impact';
export { closedLoopReport, closedLoopDrift, DRIFT_EDGES, type ClosedLoopReport, type ClosedLoopRow, type DriftRow } from './analysis/closed-loop';
export { fitImpactLaw, fitImpactLaws, fitImpactDecay, fitImpactDecays, normalizeImpacts, IMPACT_LAWS, DECAY_LAWS, type ImpactPoint, type ImpactColumns, type ImpactLaw, type DecayLaw, type ImpactFitOptions, type DecayFitOptions, type FitOptions as CurveFitOptions, type ImpactLawFits, type ImpactDecayFits, type DecayPath, type NormalizedImpacts } from './analysis/impact-laws';
export { ols, fitPowerLaw, FitTable, type LinearFit, type OlsOptions, type DecayExponentFit, type PowerLawOptions, type CurveFit, type FitParameter, type BootstrapInfo } from './analysis/fitting';
export { intervalFlows, ofiRegression, kyleLambda, messageOfi, IntervalFlows, type IntervalOptions, type OfiOptions, type OfiRegression, type OfiWindows, type KyleLambda } from './analysis/order-flow-impact';
export { tradeSigns, responseFunctions, solvePropagator, propagatorAnalysis, type TradeSigns, type TradeSignOptions, type ResponseOptions, type ResponseFunctions, type PropagatorForm, type PropagatorOptions, type Propagator, type PropagatorAnalysisOptions, type PropagatorAnalysis } from './analysis/propagator';
export { touchEvents, priceResponseCurves, priceResponseScore, RESPONSE_CLASSES, RESPONSE_CLASS_NAMES, LOB_BENCH_RESPONSE_LAGS, type ResponseClass, type TouchEvents, type PriceResponseOptions, type PriceResponseCurves, type PriceResponseComparison } from './analysis/price-response';
export { MarketSeries, type SeriesPath, type PathOrders, type MarketSeriesInit, type FromDayOptions, type FromTrajectoriesOptions, type FromContinuationOptions } from './analysis/market-series';
export { stylizedFacts, stylizedFactsTable, StylizedFacts, FACT_IDS, type FactId, type StylizedFact, type StylizedCurves, type StylizedFactsOptions } from './analysis/stylized-facts';
export { overlapCoefficients, overlapCoefficient, windowQuantities, OverlapReport, MARS_TABLE7, type OverlapOptions, type OverlapRow, type WindowOptions } from './analysis/overlap';
export { compareExecutions, pairedDifference, type ExecutionComparison, type PolicySummary, type ShortfallDifference, type CompareExecutionsOptions } from './analysis/execution';
export { clockSeconds, clockString } from './util/clock';

// analysis: forecasting by simulation (any indicator from futures; MarS's down/flat/up task, baselines, scores)
export { pathFromEvents, marketPath, type MarketPath, type MarketPathInput } from './data/market-path';
export { INDICATORS, midAt, marsLabel, realizedVolatility, type Indicator, type IndicatorFn, type IndicatorName } from './analysis/forecast/indicators';
export { forecastIndicator, IndicatorForecast, FORECAST_QUANTILES, type ForecastIndicatorOptions, type ForecastHistogram } from './analysis/forecast/indicator-forecast';
export { realLabels, simulatedLabels, startTimes, fitClassThresholds, classify, classOf, predictFromFutures, futuresForecasts, CLASS_NAMES, type ClassThresholds, type FuturesPrediction } from './analysis/forecast/labels';
export { flowFeatures, featureMatrix, selectRows, type FeatureMatrix, type FlowFeatureOptions } from './analysis/forecast/features';
export { fitLogistic, fitLinear, majorityBaseline, LogisticModel, LinearModel, MajorityBaseline, type ClassModel, type LogisticOptions } from './analysis/forecast/baselines';
export { fitForecastBaselines, heldOutAt, type ForecastBaselines, type ForecastTaskOptions } from './analysis/forecast/task';
export { compareForecasts, ForecastComparison, confusionMatrix, accuracy, macroF1, brierScore, reliabilityTable, bootstrapEstimate, type MethodForecast, type MethodScores, type CompareOptions, type Estimate, type ReliabilityRows, type BootstrapSettings } from './analysis/forecast/evaluation';
export type { ForecastChartOptions, ForecastHistogramOptions, ForecastScoresOptions, ReliabilityChartOptions, ScoreMetric } from './plot/forecast-charts';

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
  forecast: forecastCharts.forecastChart,
  forecastHistogram: forecastCharts.forecastHistogramChart,
  forecastScores: forecastCharts.forecastScoresChart,
  reliability: forecastCharts.reliabilityChart,
  impactLaw: impactCharts.impactLawChart,
  impactDecay: impactCharts.impactDecayChart,
  impactPath: impactCharts.impactPathChart,
  ofi: microCharts.flowRegressionChart,
  kyleLambda: microCharts.flowRegressionChart,
  ofiDepth: microCharts.ofiDepthChart,
  propagator: microCharts.propagatorChart,
  priceResponse: microCharts.priceResponseChart,
  stylizedFacts: realismCharts.stylizedFactsChart,
  overlap: realismCharts.overlapChart,
  realismScores: realismCharts.realismScoresChart,
  trainingCurve: executionCharts.trainingCurveChart,
  shortfalls: executionCharts.shortfallsChart,
  executionActions: executionCharts.executionActionsChart,
  policyMap: executionCharts.policyMapChart,
};
