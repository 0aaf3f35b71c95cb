// Stand-in for the testany-wasm module when it was not built: the worker then says how
// to build it instead of failing obscurely.
const MISSING = 'testany-wasm is not bundled: run `cargo xtask vsix` (it builds the wasm first)';

export default function init(): Promise<never> {
  return Promise.reject(new Error(MISSING));
}
export class LspWorker {
  constructor() {
    throw new Error(MISSING);
  }
}
