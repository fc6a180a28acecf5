import { CanceledError, type InternalAxiosRequestConfig } from 'axios';

// The two ways a wait on GSS or DNS ends early: the caller's timeout or the caller's signal.
// Neither can stop the work itself (a native GSS call or a DNS query runs on); they only
// stop waiting for it, and mark the dropped promise handled.

/** `promise`, or a rejection with `expired()` after `ms` (the timer does not keep Node alive). */
export function withTimeout<T>(promise: Promise<T>, ms: number, expired: () => Error): Promise<T> {
  // One promise and one timer: this runs for every GSS call (three per request), and
  // Promise.race with .finally and .catch allocated five.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(expired()), ms);
    timer.unref();
    // Also handles a rejection of the losing promise, so it is never an unhandled rejection.
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own failure, passed on as it is
        reject(error);
      },
    );
  });
}

/**
 * Lets the caller's `signal` cut a GSS wait short. axios only checks the signal when it
 * dispatches the request, so without this an abort during token minting (up to `timeout` with
 * a slow KDC) would wait for GSS first. The GSS call itself runs on; its result is dropped.
 */
export function abortable<T>(promise: Promise<T>, config: InternalAxiosRequestConfig): Promise<T> {
  const signal = config.signal as AbortSignal | undefined;
  if (signal === undefined || typeof signal.addEventListener !== 'function') return promise;
  const canceled = () => new CanceledError(undefined, undefined, config);
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(canceled());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(canceled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
