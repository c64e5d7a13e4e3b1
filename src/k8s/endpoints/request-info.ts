/**
 * What the apiserver learns about a request from its URL before authorization and flow control
 * (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go), limited to the fields flow control
 * reads. Absent string fields mean "".
 */
export interface RequestInfo {
  /** true for /api and /apis paths; false for /healthz, /metrics, /version and the like. */
  isResourceRequest: boolean;
  /** The URL path; what non-resource rules match. */
  path?: string;
  /**
   * Lower-case Kubernetes verb: get, list, watch, create, update, patch, delete,
   * deletecollection; for non-resource requests the lower-case HTTP method.
   */
  verb: string;
  /** "" for the core group. */
  apiGroup?: string;
  /** "" for cluster-scoped objects and for lists across all namespaces. */
  namespace?: string;
  resource?: string;
  subresource?: string;
  /** Object name; a LIST with fieldSelector=metadata.name=x also carries it. */
  name?: string;
}
