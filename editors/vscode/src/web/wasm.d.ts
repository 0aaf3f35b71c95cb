// The testany-wasm module the worker loads (wasm-bindgen `--target web` output of the
// `server` feature, target/wasm-pkg-server/testany_wasm.js).
declare module 'testany-wasm' {
  export default function init(input?: { module_or_path: BufferSource | WebAssembly.Module }): Promise<unknown>;
  /**
   * The language server; `send` gets the JSON text of each message for the client, `vars`
   * is the JSON text of the host's TESTANY_* variables and token (the start message's).
   */
  export class LspWorker {
    constructor(send: (message: string) => void, vars?: string);
    /** One JSON-RPC message from the client, as JSON text. */
    receive(message: string): void;
    free(): void;
  }
}
