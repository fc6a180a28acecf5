import { CanceledError, type InternalAxiosRequestConfig } from 'axios';

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
