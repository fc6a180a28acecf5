// See environment.js: the one process-wide copy of the native addon.
module.exports = globalThis.__axiosKerberosNative;
