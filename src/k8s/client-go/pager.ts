/**
 * How the reflector pages its LISTs: k8s.io/client-go/tools/pager (ListPager, identical
 * v0.29–v0.34) and the page-size choice in Reflector.list (tools/cache/reflector.go).
 */

/** tools/pager defaultPageSize. */
export const PAGER_DEFAULT_PAGE_SIZE = 500;

/**
 * The page size Reflector.list gives its pager; 0 means one unpaginated request.
 *
 * 1. Reflector.WatchListPageSize, when set, always wins.
 * 2. Once a LIST at resourceVersion "0" came back in pages (the server ignored the cache, e.g.
 *    the watch cache is disabled), later LISTs keep the default page size.
 * 3. A LIST at a specific revision is not paginated: the watch cache serves it whole, and a
 *    limit would send it to etcd.
 * 4. Otherwise ("0" or "") the default 500. The watch cache ignores the limit on "0" and answers
 *    in one piece (apiserver cacher, 1.29–1.34); where the server honours it, pages follow.
 */
export function reflectorListPageSize(
  resourceVersion: string,
  paginatedResult: boolean,
  watchListPageSize: number,
): number {
  if (watchListPageSize !== 0) return watchListPageSize;
  if (paginatedResult) return PAGER_DEFAULT_PAGE_SIZE;
  if (resourceVersion !== "" && resourceVersion !== "0") return 0;
  return PAGER_DEFAULT_PAGE_SIZE;
}
