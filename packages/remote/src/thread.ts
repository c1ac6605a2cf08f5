// A pool thread (pool.ts): serves the connections the main thread pins here. Each gets a Peer
// whose link is the main thread (which authenticated the messages and signs what goes out).

import { parentPort, workerData } from "node:worker_threads";
import { Calls } from "./calls.js";
import type { Link } from "./channel.js";
import { Peer } from "./peer.js";
import type { FromThread, ThreadData, ToThread } from "./pool.js";

const port = parentPort!;
const data = workerData as ThreadData;
const peers = new Map<number, Peer>();

function post(m: FromThread): void {
  port.postMessage(m);
}

port.on("message", (m: ToThread) => {
  switch (m.k) {
    case "open": {
      const c = m.c;
      const link: Link = {
        send: (b) => post({ k: "send", c, b }),
        fail: (text) => post({ k: "fail", c, text }),
        closeWith: (reason) => post({ k: "closeWith", c, reason }),
        close: () => post({ k: "close", c }),
      };
      const peer = new Peer(link, {
        role: "worker",
        peerName: m.peerName,
        serializableModules: data.serializableModules,
        onReport: (text) => post({ k: "report", c, text }),
      });
      peer.runner = new Calls(peer, {
        started: (id, ms) => post({ k: "started", c, id, ms }),
        ended: (id) => post({ k: "ended", c, id }),
      });
      peers.set(c, peer);
      return;
    }
    case "message":
      peers.get(m.c)?.receive(m.b);
      return;
    case "closed":
      peers.get(m.c)?.ended(m.reason);
      peers.delete(m.c);
      return;
  }
});
