/**
 * Coefficients of the request cost model. No upstream source gives per-byte CPU costs, so each
 * value is an assumption calibrated against a published figure; docs/model.md gives the figure
 * and the arithmetic for every entry.
 */
export interface CostCoefficients {
  /** apiserver CPU per request before any object work: authn, authz, APF, routing (s). */
  requestOverheadCpuSeconds: number;
  /** apiserver CPU to decode one byte read from etcd into objects (s/B). */
  decodeCpuSecondsPerByte: number;
  /** apiserver CPU to encode one byte of response as JSON (s/B). */
  encodeJsonCpuSecondsPerByte: number;
  /** apiserver CPU to encode one byte of response as protobuf (s/B). */
  encodeProtobufCpuSecondsPerByte: number;
  /** apiserver CPU to test one cached object against a selector (s). */
  filterCpuSecondsPerObject: number;
  /** apiserver CPU to apply one write (validation, admission, conversion) (s). */
  writeCpuSeconds: number;
  /** apiserver CPU to send one watch event to one watcher (s). */
  watchEventCpuSeconds: number;
  /** etcd service time of a range read: fixed part (s) and per byte returned (s/B). */
  etcdRangeBaseSeconds: number;
  etcdRangeSecondsPerByte: number;
  /** etcd service time of a write, amortised over batched commits (s). */
  etcdWriteSeconds: number;
  /**
   * Peak memory per response byte of a LIST encoded whole (no streaming): the encoder builds the
   * response in one growing buffer before the first byte goes out, with Go's GC headroom on top.
   * The same for a LIST served from the watch cache and from etcd.
   */
  listEncodeMemoryPerResponseByte: number;
  /** The same when the response is encoded as a stream (StreamingCollectionEncoding). */
  streamingListMemoryPerResponseByte: number;
  /**
   * What a LIST served from etcd holds on top, per byte etcd returns: the range response and the
   * objects decoded from it, both alive until the response is built.
   */
  etcdListMemoryPerEtcdByte: number;
}

export const DEFAULT_COST_COEFFICIENTS: Readonly<CostCoefficients> = {
  requestOverheadCpuSeconds: 0.0005,
  decodeCpuSecondsPerByte: 1 / 150e6,
  encodeJsonCpuSecondsPerByte: 1 / 100e6,
  encodeProtobufCpuSecondsPerByte: 1 / 300e6,
  filterCpuSecondsPerObject: 0.5e-6,
  writeCpuSeconds: 0.001,
  watchEventCpuSeconds: 20e-6,
  etcdRangeBaseSeconds: 0.0002,
  etcdRangeSecondsPerByte: 1 / 500e6,
  etcdWriteSeconds: 0.0005,
  listEncodeMemoryPerResponseByte: 7,
  streamingListMemoryPerResponseByte: 0.3,
  etcdListMemoryPerEtcdByte: 1.5,
};
