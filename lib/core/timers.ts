import { CanceledError, type InternalAxiosRequestConfig } from 'axios';

// The two ways a wait on GSS or DNS ends early: the caller's timeout or the caller's signal.
// Neither can stop the work itself (a native GSS call or a DNS query runs on); they only
// stop waiting for it, and mark the dropped promise handled.

/** `promise`, or a rejection with `expired()` after `ms` (the timer does not keep Node alive). */
export function withTimeout<T>(promise: Promise<T>, ms: number, expired: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(expired()), ms);
    timer.unref();
  });
  // The losing promise may still reject later; mark it handled so it is not an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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
