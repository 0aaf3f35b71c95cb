// What the web worker script (src/web/server.ts) expects of `self` in a browser worker,
// made of a Node `worker_threads` parent port: `self.onmessage = ...` receives each
// message as `{ data }`, `self.postMessage(m)` answers. Imported before that script.
import { parentPort } from 'node:worker_threads';

type Listener = (e: { data: unknown }) => void;

if (!parentPort) throw new Error('testany: dist/node/server.js runs only as a worker thread');
const port = parentPort;
let listener: Listener | null = null;
port.on('message', (data: unknown) => listener?.({ data }));

(globalThis as { self?: unknown }).self = {
  get onmessage(): Listener | null {
    return listener;
  },
  set onmessage(f: Listener | null) {
    listener = f;
  },
  postMessage(message: unknown): void {
    port.postMessage(message);
  },
};
