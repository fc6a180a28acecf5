// Runs one request with the built library in a process of its own, started with the preload
// of `scripts/heimdal.sh addon` so that `kerberos` is the addon built against Heimdal (MIT's
// and Heimdal's gss_* symbols clash in one process). Prints one JSON line: the outcome.
// Usage: node -r <preload> heimdal-client.cjs '{"url": "...", "options": {...}, "holdMs": 0}'
const { readFile } = require('node:fs/promises');
const { resolve } = require('node:path');
const root = resolve(__dirname, '../../..');
const axios = require(resolve(root, 'node_modules/axios'));
const { kerberosAuth } = require(resolve(root, 'dist/index.js'));

const { url, options, holdMs = 0, count } = JSON.parse(process.argv[2]);
const api = axios.create();
if (holdMs > 0) {
  // Runs after the plugin's request interceptor: the first token waits, as on a client whose
  // clock is behind, so it reaches the server outside the clock-skew window.
  let held = false;
  api.interceptors.request.use(async (config) => {
    if (!held) await new Promise((done) => setTimeout(done, holdMs));
    held = true;
    return config;
  });
}
kerberosAuth(options).install(api);

function outcome(promise) {
  return promise.then(
    (response) => ({ status: response.status, user: response.headers['x-remote-user'] }),
    (error) => ({ code: error.code, message: error.message, cause: String(error.cause) }),
  );
}

if (count === undefined) {
  outcome(api.get(url)).then((result) => console.log(JSON.stringify(result)));
} else {
  // `count` requests at once, while this process keeps reading a file: the reads show that
  // GSS calls stuck in the native library leave the process usable.
  let reads = 0;
  let reading = true;
  const reader = (async () => {
    while (reading) {
      await readFile(resolve(root, 'package.json'));
      reads++;
    }
  })();
  Promise.all(Array.from({ length: count }, () => outcome(api.get(url)))).then(async (outcomes) => {
    reading = false;
    await reader;
    console.log(JSON.stringify({ outcomes, reads }));
  });
}
