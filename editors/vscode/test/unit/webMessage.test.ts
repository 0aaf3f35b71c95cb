// src/web/message.ts: the worker's client messages as JSON text for the wasm server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageText } from '../../src/web/message';

test('lone surrogates become U+FFFD, as the native input layer does', () => {
  const change = {
    jsonrpc: '2.0',
    method: 'textDocument/didChange',
    params: { contentChanges: [{ text: 'a\ud800b \udc00 \ud83d\ude00' }] },
  };
  const text = messageText(change);
  assert.equal(
    text,
    '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"contentChanges":[{"text":"a\ufffdb \ufffd \ud83d\ude00"}]}}',
  );
  assert.doesNotMatch(text, /\\ud[89a-f]/i, 'no surrogate escapes left for serde_json to refuse');
});

test('other messages are plain JSON.stringify', () => {
  const request = { jsonrpc: '2.0', id: 7, method: 'initialize', params: { capabilities: {}, rootUri: null } };
  assert.equal(messageText(request), JSON.stringify(request));
});
