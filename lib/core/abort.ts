// `abortable` lives in ./timers with the timeout wrapper; this path stays for the modules that
// still import it from here.
export { abortable } from './timers';
