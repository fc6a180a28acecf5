"""Contender 6 of bench/run.mjs: Python requests-kerberos with a Session.

Usage: /usr/bin/python3 requests_kerberos_client.py URL COUNT

Sends COUNT sequential GETs to URL through one requests.Session with
HTTPKerberosAuth(mutual_authentication=REQUIRED), and prints one JSON object:
the wall and CPU time of the request loop and each request's latency in
milliseconds.
It times itself so that interpreter start-up and imports (about 0.3 s) are not
charged to the library. Defaults are kept (no force_preemptive): that is how
requests-kerberos is normally used, and force_preemptive only pre-empts the
first request of a Session anyway.
"""

import json
import sys
import time

import requests
import requests_kerberos
from requests_kerberos import REQUIRED, HTTPKerberosAuth


def main():
    url, count = sys.argv[1], int(sys.argv[2])
    session = requests.Session()
    session.auth = HTTPKerberosAuth(mutual_authentication=REQUIRED)
    latencies = []
    errors = 0
    first_error = None
    started = time.perf_counter()
    cpu_started = time.process_time()
    for _ in range(count):
        t0 = time.perf_counter()
        try:
            response = session.get(url)
            if response.status_code != 200:
                raise RuntimeError("HTTP %d" % response.status_code)
        except Exception as error:  # counted and reported, like the Node contenders
            errors += 1
            first_error = first_error or repr(error)
        latencies.append((time.perf_counter() - t0) * 1000.0)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    json.dump(
        {
            "seconds": seconds,
            "cpuSeconds": cpu_seconds,
            "latenciesMs": latencies,
            "errors": errors,
            "firstError": first_error,
            "versions": {
                "python": sys.version.split()[0],
                "requests": requests.__version__,
                "requests_kerberos": requests_kerberos.__version__,
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
