// Only for the web entry's WebEngine (src/web/extension.ts) until it becomes a language
// client of the wasm server (issue 16); delete with it, together with config.ts. The
// shared UI reads no testany.toml: the server does.
import * as vscode from 'vscode';
import { mergeConfig, readConfig, TestanyConfig } from './config';
import { settingsConfig } from './ui';

/** One workspace folder with a testany.toml (merged with the settings). */
export interface FolderConfig {
  folder: vscode.WorkspaceFolder;
  tomlUri: vscode.Uri;
  config: TestanyConfig;
}

/** The testany.toml of every workspace folder (at its root or below), merged with settings. */
export async function folderConfigs(): Promise<FolderConfig[]> {
  const out: FolderConfig[] = [];
  const found = await vscode.workspace.findFiles('**/testany.toml', '{**/node_modules/**,**/target/**,**/.git/**}', 50);
  for (const tomlUri of found) {
    const folder = vscode.workspace.getWorkspaceFolder(tomlUri);
    if (!folder) continue;
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(tomlUri));
      const { config } = readConfig(text);
      out.push({ folder, tomlUri, config: mergeConfig(config, settingsConfig(folder) as TestanyConfig) });
    } catch {
      // An unreadable file is reported by the engine; the UI just skips it.
    }
  }
  out.sort((a, b) => a.tomlUri.toString().localeCompare(b.tomlUri.toString()));
  return out;
}
