/** What `mb.internals` holds: parts of marsbook's machinery that notebooks rarely need (see index.ts). */
export { parseTimeField, splitDelimited } from './data/venue-csv';
export { columnsToArrow, columnsToArquero, columnsToDanfo } from './data/tables';
export { defineColumns, growingColumns, finishColumns, type ColumnDef, type ColumnSchema, type ColumnsOf, type GrowingColumnsOf } from './data/columns';
export { World, type WorldOptions } from './sim/world';
export { Exchange, MESSAGE, type FillListener } from './sim/exchange';
export { runGroup, trajectoryRng, makeAgents, batchContext, OrderProposer, type GroupProfile } from './sim/run-group';
export { resolveTask, checkAction } from './sim/env/execution-agent';
export { kmeans, toSparseRows, type SparseRows, type KMeansResult } from './tokenize/kmeans';
export { encodeColumnFile, decodeColumnFile } from './tokenize/token-file';
export { Sampler, logSoftmax } from './model/sampling';
export { KvCache, RingCache } from './model/kv-cache';
export { terminalProgress, setProgressRenderer, autoProgress, type ProgressRenderer } from './util/progress';
export { accuracyOf, macroF1Of, correlation, bootstrapIndices } from './analysis/forecast/evaluation';
export { histogram } from './analysis/forecast/indicator-forecast';
export { midReturnBp, vwap, spreadTicks, volume, resolveIndicator } from './analysis/forecast/indicators';
export { excessKurtosis, skewness, pooledAutocorrelation, pooledCrossCorrelation, zumbachAsymmetry, blocksOf, blockBootstrap, aggregate, locallyStandardized } from './analysis/return-stats';
