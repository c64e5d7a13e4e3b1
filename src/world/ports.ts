/**
 * Ports: typed names through which components find what others provide (a cluster's request
 * transport, its node events, the controller API, DNS answers, ...). A port is a key; the
 * value behind it is whatever interface the port's type says.
 */

/** A typed key. `T` exists only for the compiler: `get(port)` returns a `T`. */
export interface Port<T> {
  readonly id: string;
  /** Never set; carries `T` so that ports of different types do not mix. */
  readonly valueType?: (value: T) => void;
}

export function definePort<T>(id: string): Port<T> {
  return { id };
}

/** Any port, whatever its value's type: what a component lists as provided or needed. */
export interface AnyPort {
  readonly id: string;
}
