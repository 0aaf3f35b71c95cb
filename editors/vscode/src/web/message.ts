// One client message as the JSON text the wasm server reads. Pure: no `vscode` import.

/** A string with each lone UTF-16 surrogate replaced by U+FFFD (`toWellFormed`). */
function wellFormed(s: string): string {
  const native = (s as { toWellFormed?: () => string }).toWellFormed;
  if (native) return native.call(s);
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * JSON text of a message from vscode-languageclient. A lone surrogate (a document cut
 * mid-emoji) would be written as `\ud800`, which serde_json refuses, and the whole
 * message (say a didChange) would be lost; the native server's input layer turns lone
 * surrogates into U+FFFD instead (crates/testany-lsp/src/transport.rs), and so does this.
 */
export function messageText(message: unknown): string {
  return JSON.stringify(message, (_key, value: unknown) => (typeof value === 'string' ? wellFormed(value) : value));
}
