/** What `mb.internals` holds: parts of marsbook's machinery that notebooks rarely need (see index.ts). */
export { parseTimeField, splitDelimited } from './data/venue-csv';
export { columnsToArrow, columnsToArquero, columnsToDanfo } from './data/tables';
export { defineColumns, growingColumns, finishColumns, type ColumnDef, type ColumnSchema, type ColumnsOf, type GrowingColumnsOf } from './data/columns';
export { World, type WorldOptions } from './sim/world';
export { Exchange, MESSAGE, type FillListener } from './sim/exchange';
export { runGroup, trajectoryRng, makeAgents, type GroupProfile } from './sim/run-group';
export { pack, unpack, type WireValue } from './sim/wire';
export { runOnQueue, type QueueRunOptions, type QueueRunResult } from './sim/queue-run';
export { inputKey, resultKey, groupJobId, type GroupJob, type GroupInfo, type ResultHead, type RunInput } from './sim/queue';
export { kmeans, toSparseRows, type SparseRows, type KMeansResult } from './tokenize/kmeans';
export { encodeColumnFile, decodeColumnFile } from './tokenize/token-file';
export { Sampler, logSoftmax } from './model/sampling';
export { KvCache, RingCache } from './model/kv-cache';
export { terminalProgress, setProgressRenderer, autoProgress, type ProgressRenderer } from './util/progress';
