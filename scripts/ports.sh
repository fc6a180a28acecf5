#!/usr/bin/env bash
# ports.sh - sourced by realm.sh, ad-realm.sh, heimdal.sh and squid.sh: the one port picker.
#
#   pick_ports COUNT    prints COUNT distinct ports of 127.0.0.1, space-separated
#
# Each port printed was free for TCP and for UDP on 127.0.0.1 when it was checked (a KDC binds
# both on its port), and none of them is handed out again by this picker for
# PORT_RESERVE_SECONDS (default 120), so realms coming up at the same time on this machine
# never get the same port, even before their daemons have bound it. The reservations live in
# one file under TMPDIR, read and written under flock(1).
#
# The ports are drawn at random below the kernel's ephemeral range
# (/proc/sys/net/ipv4/ip_local_port_range): that range is where bind(0) and every outgoing
# connection take their ports, so a test server or a client socket elsewhere on the machine
# cannot take a picked port between this check and the daemon's bind. A program that binds
# a fixed port in the same range still can; the daemons' start-up then fails loudly.

pick_ports() {
  local count=$1 state
  state="${TMPDIR:-/tmp}/axios-kerberos-ports.$(id -u)"
  [[ ${count} =~ ^[1-9][0-9]*$ ]] || { printf 'pick_ports: COUNT expected\n' >&2; return 1; }
  (
    flock 9
    node -e '
      const fs = require("node:fs");
      const net = require("node:net");
      const dgram = require("node:dgram");
      const count = Number(process.argv[1]);
      const file = process.argv[2];
      const reserveSeconds = Number(process.argv[3]);
      const now = Math.floor(Date.now() / 1000);

      // Reservations, one "port time" line each; expired ones are dropped.
      const reserved = new Map();
      try {
        for (const line of fs.readFileSync(file, "utf8").split("\n")) {
          const [port, time] = line.split(" ").map(Number);
          if (port > 0 && now - time < reserveSeconds) reserved.set(port, time);
        }
      } catch {}

      // Below the ephemeral range when that leaves room, else above it, else anywhere unprivileged.
      let [low, high] = [32768, 60999];
      try {
        const text = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8");
        [low, high] = text.trim().split(/\s+/).map(Number);
      } catch {}
      const floor = 10000;
      const [first, last] =
        low - floor >= 2000 ? [floor, low - 1] : 65535 - high >= 2000 ? [high + 1, 65535] : [1024, 65535];

      // Free when a TCP listener and a UDP socket can both bind it.
      const isFree = (port) =>
        new Promise((resolve) => {
          const tcp = net.createServer();
          tcp.once("error", () => resolve(false));
          tcp.listen({ port, host: "127.0.0.1" }, () => {
            const udp = dgram.createSocket("udp4");
            udp.once("error", () => tcp.close(() => resolve(false)));
            udp.bind({ port, address: "127.0.0.1" }, () =>
              udp.close(() => tcp.close(() => resolve(true))),
            );
          });
        });

      (async () => {
        const picked = [];
        for (let tries = 0; picked.length < count; tries++) {
          if (tries > 1000) throw new Error("no " + count + " free ports in " + first + "-" + last);
          const port = first + Math.floor(Math.random() * (last - first + 1));
          if (reserved.has(port) || picked.includes(port) || !(await isFree(port))) continue;
          picked.push(port);
        }
        for (const port of picked) reserved.set(port, now);
        const lines = [...reserved].map(([port, time]) => port + " " + time + "\n");
        fs.writeFileSync(file + ".tmp", lines.join(""));
        fs.renameSync(file + ".tmp", file);
        console.log(picked.join(" "));
      })().catch((error) => {
        console.error("pick_ports: " + error.message);
        process.exit(1);
      });
    ' -- "${count}" "${state}" "${PORT_RESERVE_SECONDS:-120}"
  ) 9>>"${state}.lock"
}
