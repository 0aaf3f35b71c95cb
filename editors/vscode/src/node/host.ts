// Starts the bundled WASM language server in a Node `worker_threads` Worker and speaks
// JSON-RPC to it (one message object per postMessage, as vscode-languageclient/browser
// does with a web worker). No `vscode` import: the e2e tests load it in plain Node.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  DataCallback,
  Disposable,
  Message,
  MessageReader,
  MessageWriter,
} from 'vscode-jsonrpc/node';
import { messageText } from '../web/message';

/** dist/node/server.js (the worker) and dist/web/testany_wasm_bg.wasm, under the extension's dist/. */
export function wasmServerFiles(distDir: string): { script: string; wasm: string } {
  return { script: join(distDir, 'node', 'server.js'), wasm: join(distDir, 'web', 'testany_wasm_bg.wasm') };
}

/** Client messages to the worker. */
class WorkerWriter extends AbstractMessageWriter {
  constructor(private readonly worker: Worker) {
    super();
  }
  write(msg: Message): Promise<void> {
    try {
      // The worker reads plain objects; JSON text first keeps the web entry's rule for
      // lone surrogates (src/web/message.ts).
      this.worker.postMessage(JSON.parse(messageText(msg)));
      return Promise.resolve();
    } catch (e) {
      this.fireError([e instanceof Error ? e : new Error(String(e)), msg, 0]);
      return Promise.reject(e);
    }
  }
  end(): void {}
}

/** The worker's messages to the client; the worker's end (exit or an uncaught error) closes it. */
class WorkerReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  private readonly pending: Message[] = [];
  constructor(worker: Worker) {
    super();
    worker.on('message', (m: Message) => {
      if (this.callback) this.callback(m);
      else this.pending.push(m);
    });
    worker.on('error', (e: Error) => this.fireError(e));
    worker.on('exit', () => this.fireClose());
  }
  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    for (const m of this.pending.splice(0)) callback(m);
    return { dispose: () => (this.callback = undefined) };
  }
}

export interface WasmServer {
  worker: Worker;
  reader: MessageReader;
  writer: MessageWriter;
}

/**
 * The WASM server in a worker thread: the .wasm is read here and posted as the first
 * message (the worker script is the web entry's, which expects the bytes that way), with
 * `vars`, the server's `TESTANY_*` variables and token (serverStart's `workerVars`):
 * outside JSON-RPC, so no trace shows them.
 */
export async function startWasmServer(distDir: string, vars: Record<string, string> = {}): Promise<WasmServer> {
  const files = wasmServerFiles(distDir);
  const bytes = await readFile(files.wasm);
  const worker = new Worker(files.script);
  const wasm = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  worker.postMessage({ testanyWasm: wasm, vars }, [wasm as ArrayBuffer]);
  return { worker, reader: new WorkerReader(worker), writer: new WorkerWriter(worker) };
}
