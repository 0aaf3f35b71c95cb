// A per-test item's failure message (issue 15) as VS Code's Test Explorer shows it: a diff
// when the log printed expected and actual, at the failing line the server's diagnostic
// names. The only part of the per-test tree that needs `vscode` (testTree.ts is pure).
import * as vscode from 'vscode';
import type { TreeNode } from './testTree';

/**
 * Where failed tests failed: the server's diagnostics by the definition their related
 * information points at (`uri#line`), so a test's message sits on its failing line.
 */
export function failureLocations(
  diagnostics: readonly [vscode.Uri, readonly vscode.Diagnostic[]][],
): Map<string, vscode.Location> {
  const out = new Map<string, vscode.Location>();
  for (const [u, ds] of diagnostics) {
    for (const d of ds) {
      if (d.source !== 'testany') continue;
      for (const r of d.relatedInformation ?? []) {
        const key = `${r.location.uri.toString()}#${r.location.range.start.line}`;
        if (!out.has(key)) out.set(key, new vscode.Location(u, d.range));
      }
    }
  }
  return out;
}

/**
 * A failed test's message: VS Code's diff when the log printed expected and actual, at the
 * failing line when a diagnostic names it, else at the test's definition.
 */
export function testMessageOf(n: TreeNode, failure: vscode.Location | undefined): vscode.TestMessage {
  const m = n.message;
  if (!m) return new vscode.TestMessage('');
  const message =
    m.expected !== undefined && m.actual !== undefined
      ? vscode.TestMessage.diff(m.text, m.expected, m.actual)
      : new vscode.TestMessage(m.text);
  message.location = failure ?? new vscode.Location(vscode.Uri.parse(m.uri), new vscode.Range(m.line, 0, m.line, 0));
  return message;
}
