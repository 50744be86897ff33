import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768–60999 by default): the kernel hands ports in that range to
// every outbound connection and every `listen(0)`, so a port picked there can be taken by another
// process (the Temporal dev server's own connections, say) before the program under test binds it.
const LOW = 20_000;
const HIGH = 32_000;

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1 that no outbound connection will take meanwhile; never the same one twice per process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 tries`);
}
