// The language server in a Node worker thread (the desktop entry's fallback when no native
// `testany` is found): the web worker's script as is (testany-wasm's LspWorker, the .wasm
// as the first message), over a `self` made of the thread's parent port (./self.ts, which
// must be evaluated first: ES modules run in import order).
import './self';
import './localhost';
import '../web/server';
