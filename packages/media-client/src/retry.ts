import { AbortError } from './errors.js';

/** How failed requests are retried. */
export interface RetryOptions {
  /** Attempts in all, the first included (1 = never retry). Default 6. */
  attempts?: number;
  /** Backoff base in milliseconds: attempt n waits up to base·2^(n-1). Default 100. */
  baseDelayMs?: number;
  /** Upper bound of one wait, in milliseconds. Default 5000. */
  maxDelayMs?: number;
}

/** {@link RetryOptions} with every field set. */
export type RetryPolicy = Required<RetryOptions>;

/** Fills in the defaults and checks the values. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = {
    attempts: options.attempts ?? 6,
    baseDelayMs: options.baseDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 5000,
  };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new RangeError(`retry.attempts: expected an integer ≥ 1, got ${policy.attempts}`);
  }
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= 0)) {
    throw new RangeError('retry.baseDelayMs and retry.maxDelayMs must be ≥ 0');
  }
  return policy;
}

/**
 * "Full jitter": a uniform wait between zero and the capped exponential bound, so clients that
 * failed together do not retry together.
 */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: () => number) {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * bound);
}

/** Waits, unless the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error for a fired AbortSignal. */
export function abortError(signal: AbortSignal, context: { method?: string; key?: string } = {}) {
  return new AbortError('Aborted', 'the operation was aborted', {
    ...context,
    cause: signal.reason,
  });
}
