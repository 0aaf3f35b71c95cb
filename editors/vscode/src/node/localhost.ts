// Names under `.localhost` are the loopback address (RFC 6761), as browsers and the native
// client (testany-client) treat them; Node's fetch asks the system resolver, which often
// does not know them, so the emulator's `testany.localhost` and its log proxy
// `{uuid}.tr.testany.localhost` were unreachable from the worker. This worker thread's own
// `dns` module is changed, nothing in the extension host's.
import { createRequire } from 'node:module';

// The module object itself (an ES namespace import is read-only).
const dns = createRequire(__filename)('node:dns') as typeof import('node:dns');

type Callback = (err: NodeJS.ErrnoException | null, address: unknown, family?: number) => void;

const LOCALHOST = /(^|\.)localhost\.?$/i;
const system = dns.lookup;

function lookup(host: string, options: unknown, callback?: Callback): void {
  const cb = (typeof options === 'function' ? options : callback) as Callback;
  const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
  if (!LOCALHOST.test(host)) {
    (system as (h: string, o: unknown, c: Callback) => void)(host, typeof options === 'function' ? {} : options, cb);
    return;
  }
  if (opts.all) process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }]);
  else process.nextTick(cb, null, '127.0.0.1', 4);
}

dns.lookup = lookup as typeof dns.lookup;
