// Stand-in for the testany-wasm module when it was not built: the web entry then says
// how to build it instead of failing obscurely.
export default function init(): Promise<never> {
  return Promise.reject(new Error('testany-wasm is not bundled: run `cargo xtask vsix` (it builds the wasm first)'));
}
export function initSync(): never {
  throw new Error('testany-wasm is not bundled: run `cargo xtask vsix` (it builds the wasm first)');
}
