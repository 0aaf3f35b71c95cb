// What a server is started with (review round 2, findings 3 and 6): the settings go in
// `initializationOptions`, the token never does (vscode-jsonrpc's verbose trace prints
// initialize's params in the Output panel). Pure (no `vscode` import) for the unit tests.

export interface ServerStart {
  /** The client's `initializationOptions`: the settings only. */
  initializationOptions: Record<string, unknown>;
  /** The native `testany lsp` process's environment: the host's, the token as TESTANY_TOKEN. */
  nativeEnv: Record<string, string>;
  /** The WASM worker's variables, sent in its start message: the host's `TESTANY_*` ones and the token. */
  workerVars: Record<string, string>;
}

/**
 * `env`: the extension host's environment (`{}` on the web, which has none); `token`: the
 * SecretStorage token, which wins over an inherited TESTANY_TOKEN (as it did in
 * initializationOptions, which the server reads first).
 */
export function serverStart(
  settings: Record<string, unknown>,
  env: Record<string, string | undefined>,
  token: string | undefined,
): ServerStart {
  const nativeEnv: Record<string, string> = {};
  const workerVars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    nativeEnv[name] = value;
    if (name.startsWith('TESTANY_')) workerVars[name] = value;
  }
  nativeEnv.TESTANY_LOG = env.TESTANY_LOG ?? 'info';
  if (token) {
    nativeEnv.TESTANY_TOKEN = token;
    workerVars.TESTANY_TOKEN = token;
  }
  return { initializationOptions: { ...settings }, nativeEnv, workerVars };
}
