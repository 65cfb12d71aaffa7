/** What a fault does to a matching request. */
export type FaultAction =
  /** Answer this error instead of running the operation (nothing is applied). */
  | { type: 'error'; code: string; status?: number; message?: string }
  /** Wait this long before handling the request. */
  | { type: 'latency'; ms: number }
  /** Run the operation, send the status and headers and part of the body, then close. */
  | { type: 'close-mid-body' }
  /** Run the operation (a write lands), then close the connection without any response. */
  | { type: 'drop-response' };

/** Which requests a fault applies to, and how often. */
export interface FaultSpec {
  /** Operation name(s), e.g. 'AppendObject'. Absent: any operation. */
  operation?: string | string[];
  /** Bucket name. Absent: any bucket. */
  bucket?: string;
  /** Object key: an exact string, a glob with `*`, or a RegExp. Absent: any key. */
  key?: string | RegExp;
  /** Apply to the next N matching requests, then retire. Absent: every match (see probability). */
  times?: number;
  /** Apply to each matching request with this probability (0..1). Default 1. */
  probability?: number;
  action: FaultAction;
}

/** A registered fault, as listed. */
export interface Fault extends FaultSpec {
  id: number;
  /** How many requests it has acted on. */
  hits: number;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 's');
}

/**
 * Registered faults. The pipeline asks `take()` once per request with its operation, bucket and
 * key; each matching fault that fires is counted (and retired after `times`).
 */
export class Faults {
  #faults: Array<Fault & { pattern?: RegExp }> = [];
  #nextId = 1;
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /**
   * Registers a fault and returns its id.
   * @throws TypeError for an unknown action or an out-of-range probability.
   * @example faults.add({ operation: 'AppendObject', times: 1, action: { type: 'drop-response' } })
   */
  add(spec: FaultSpec): number {
    checkSpec(spec);
    const id = this.#nextId++;
    const pattern =
      spec.key === undefined
        ? undefined
        : spec.key instanceof RegExp
          ? spec.key
          : globToRegExp(spec.key);
    this.#faults.push(pattern ? { ...spec, id, hits: 0, pattern } : { ...spec, id, hits: 0 });
    return id;
  }

  /** Removes one fault. */
  remove(id: number): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((fault) => fault.id !== id);
    return this.#faults.length < before;
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults = [];
  }

  /** The registered faults. */
  list(): Fault[] {
    return this.#faults.map(({ pattern: _pattern, ...fault }) => ({ ...fault }));
  }

  /** The actions that fire for this request, in registration order. */
  take(request: { operation: string; bucket?: string; key?: string }): FaultAction[] {
    if (this.#faults.length === 0) return [];
    const fired: FaultAction[] = [];
    for (const fault of this.#faults) {
      if (!matches(fault, request)) continue;
      if (fault.probability !== undefined && this.#random() >= fault.probability) continue;
      fault.hits++;
      fired.push(fault.action);
    }
    this.#faults = this.#faults.filter(
      (fault) => fault.times === undefined || fault.hits < fault.times,
    );
    return fired;
  }
}

function matches(
  fault: FaultSpec & { pattern?: RegExp },
  request: { operation: string; bucket?: string; key?: string },
): boolean {
  if (fault.operation !== undefined) {
    const operations = Array.isArray(fault.operation) ? fault.operation : [fault.operation];
    if (!operations.includes(request.operation)) return false;
  }
  if (fault.bucket !== undefined && fault.bucket !== request.bucket) return false;
  if (fault.pattern && (request.key === undefined || !fault.pattern.test(request.key)))
    return false;
  return true;
}

function checkSpec(spec: FaultSpec): void {
  const type = spec?.action?.type;
  if (!['error', 'latency', 'close-mid-body', 'drop-response'].includes(type)) {
    throw new TypeError(
      'fault action.type must be error, latency, close-mid-body or drop-response; ' +
        `received ${String(type)}`,
    );
  }
  if (type === 'error' && typeof (spec.action as { code?: unknown }).code !== 'string') {
    throw new TypeError('an error fault needs action.code (e.g. "InternalError")');
  }
  if (type === 'latency' && !(Number((spec.action as { ms?: unknown }).ms) >= 0)) {
    throw new TypeError('a latency fault needs action.ms ≥ 0');
  }
  if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
    throw new TypeError(`fault probability must be within 0..1; received ${spec.probability}`);
  }
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
    throw new TypeError(`fault times must be a positive integer; received ${spec.times}`);
  }
}
