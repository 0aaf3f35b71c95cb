// The language server's web worker: testany-lsp compiled to wasm32 (testany-wasm's
// `LspWorker`). vscode-languageclient/browser posts one JSON-RPC message object per
// message; each goes to the server as JSON text, and each of the server's comes back as an
// object. The extension's first message carries the .wasm bytes (a worker started from a
// blob URL cannot resolve a path of its own) and `vars`, the server's TESTANY_* variables
// and token (outside JSON-RPC, so no trace shows them); client messages that arrive while
// it compiles wait in order.
import init, { LspWorker } from 'testany-wasm';
import { messageText } from './message';

interface WorkerScope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}
const scope = self as unknown as WorkerScope;

let server: LspWorker | undefined;
const waiting: string[] = [];

scope.onmessage = (e: MessageEvent) => {
  const data = e.data as unknown;
  if (!server && isWasm(data)) {
    void start(data.testanyWasm, data.vars);
    return;
  }
  const text = messageText(data);
  if (server) server.receive(text);
  else waiting.push(text);
};

function isWasm(data: unknown): data is { testanyWasm: ArrayBuffer; vars?: unknown } {
  return (
    typeof data === 'object' && data !== null && (data as { testanyWasm?: unknown }).testanyWasm instanceof ArrayBuffer
  );
}

async function start(wasm: ArrayBuffer, vars: unknown): Promise<void> {
  try {
    await init({ module_or_path: wasm });
  } catch (e) {
    // The client sees no answer to initialize; this says why in the worker's console.
    console.error(`testany: the language server's wasm did not load: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  // testany-wasm keeps only the TESTANY_* string values (`host_vars`).
  const varsJson = typeof vars === 'object' && vars !== null ? JSON.stringify(vars) : undefined;
  server = new LspWorker((text: string) => scope.postMessage(JSON.parse(text)), varsJson);
  for (const text of waiting.splice(0)) server.receive(text);
}
