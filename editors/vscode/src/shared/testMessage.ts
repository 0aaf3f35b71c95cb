// A per-test item's failure message (issue 15) as VS Code's Test Explorer shows it: a diff
// when the log printed expected and actual, at the place the server gives (caseStates
// `failure`: its diagnostic of the failure). The only part of the per-test tree that needs
// `vscode` (testTree.ts is pure).
import * as vscode from 'vscode';
import type { TreeNode } from './testTree';

/**
 * A failed test's message: VS Code's diff when the log printed expected and actual, at the
 * failure's diagnostic when the server names one, else at the test's definition.
 */
export function testMessageOf(n: TreeNode): vscode.TestMessage {
  const m = n.message;
  if (!m) return new vscode.TestMessage('');
  const message =
    m.expected !== undefined && m.actual !== undefined
      ? vscode.TestMessage.diff(m.text, m.expected, m.actual)
      : new vscode.TestMessage(m.text);
  const f = m.failure;
  message.location = f
    ? new vscode.Location(
        vscode.Uri.parse(f.uri),
        new vscode.Range(f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character),
      )
    : new vscode.Location(vscode.Uri.parse(m.uri), new vscode.Range(m.line, 0, m.line, 0));
  return message;
}
