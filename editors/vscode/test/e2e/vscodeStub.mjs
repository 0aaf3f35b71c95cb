// A stand-in `vscode` module for loading the packed desktop entry (dist/extension.js of the
// .vsix) in plain Node: only what activate() and the bundled vscode-languageclient/node
// touch on the way to lenses. Every object is wrapped so that a property the stub lacks is
// recorded in `missing` (the test prints it), so a gap shows up instead of passing silently.
import Module from 'node:module';
import { readFile, readdir, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `vscode.<path>` properties read that the stub does not have. */
export const missing = new Set();
const IGNORED = new Set(['then', '__esModule', 'default', 'toJSON', 'constructor', 'prototype', 'inspect']);
function strict(name, target) {
  return new Proxy(target, {
    get(t, p, r) {
      if (typeof p === 'string' && !(p in t) && !IGNORED.has(p)) missing.add(`${name}.${p}`);
      return Reflect.get(t, p, r);
    },
  });
}

export class Disposable {
  constructor(f) {
    this.f = f;
  }
  static from(...ds) {
    return new Disposable(() => ds.forEach((d) => d?.dispose?.()));
  }
  dispose() {
    this.f?.();
    this.f = undefined;
  }
}
const noop = () => new Disposable();

export class EventEmitter {
  listeners = new Set();
  event = (l, thisArg) => {
    const f = l.bind(thisArg);
    this.listeners.add(f);
    return new Disposable(() => this.listeners.delete(f));
  };
  fire(e) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}
const never = () => new Disposable();

export class Uri {
  constructor(url) {
    this.url = url;
    this.scheme = url.protocol.slice(0, -1);
    this.authority = url.host;
    this.path = decodeURIComponent(url.pathname);
    this.fsPath = this.scheme === 'file' ? fileURLToPath(url) : this.path;
  }
  static parse(s) {
    return new Uri(new URL(s));
  }
  static file(p) {
    return new Uri(pathToFileURL(p));
  }
  static joinPath(u, ...parts) {
    return new Uri(new URL([u.url.href.replace(/\/$/, ''), ...parts].join('/')));
  }
  toString() {
    return this.url.href;
  }
  toJSON() {
    return this.url.href;
  }
}
export class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
export class Range {
  constructor(a, b, c, d) {
    [this.start, this.end] = typeof a === 'number' ? [new Position(a, b), new Position(c, d)] : [a, b];
  }
}
export class Location {
  constructor(uri, range) {
    this.uri = uri;
    this.range = range;
  }
}
export class DiagnosticRelatedInformation {
  constructor(location, message) {
    this.location = location;
    this.message = message;
  }
}
export class CodeLens {
  constructor(range, command) {
    this.range = range;
    this.command = command;
  }
}
export class Diagnostic {
  constructor(range, message, severity) {
    Object.assign(this, { range, message, severity });
  }
}
/** Base classes vscode-languageclient extends when its module loads (protocolCompletionItem.js etc.). */
export class CompletionItem {}
export class CodeAction {}
export class DocumentLink {}
export class CallHierarchyItem {}
export class TypeHierarchyItem {}
export class SymbolInformation {}
export class InlayHint {}
export class CancellationError extends Error {}
export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };
export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };
export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 };
/** Read once by the protocol converter's kind table (protocolConverter.js). */
export const CodeActionKind = Object.fromEntries(
  [
    'Empty',
    'QuickFix',
    'Refactor',
    'RefactorExtract',
    'RefactorInline',
    'RefactorRewrite',
    'Source',
    'SourceOrganizeImports',
  ].map((k) => [k, { value: k }]),
);
export const TestRunProfileKind = { Run: 1, Debug: 2, Coverage: 3 };
export const StatusBarAlignment = { Left: 1, Right: 2 };
export class CancellationTokenSource {
  token = { isCancellationRequested: false, onCancellationRequested: never };
  cancel() {
    this.token.isCancellationRequested = true;
  }
  dispose() {}
}

/** What the extension showed (window.show*Message), in order. */
export const notices = [];
/** The code lens providers registered with languages.registerCodeLensProvider. */
export const lensProviders = [];
/** The output channels' lines, by name. */
export const output = {};

export function createStub({ folder, documents }) {
  const folders = [{ uri: Uri.file(folder), name: 'shop', index: 0 }];
  const channel = (name) =>
    strict(`OutputChannel(${name})`, {
      name,
      lines: (output[name] ??= []),
      append(s) {
        this.lines.push(s);
      },
      appendLine(s) {
        this.lines.push(s);
      },
      show() {},
      clear() {},
      dispose() {},
    });
  const configuration = strict('WorkspaceConfiguration', {
    get: (_key, dflt) => dflt,
    has: () => false,
    inspect: () => undefined,
    update: async () => {},
  });
  const workspace = strict('workspace', {
    isTrusted: true,
    workspaceFolders: folders,
    textDocuments: documents,
    getConfiguration: () => configuration,
    getWorkspaceFolder: (uri) => folders.find((f) => uri.toString().startsWith(f.uri.toString())),
    createFileSystemWatcher: () =>
      strict('FileSystemWatcher', { onDidCreate: never, onDidChange: never, onDidDelete: never, dispose() {} }),
    onDidChangeWorkspaceFolders: never,
    onDidChangeConfiguration: never,
    onDidOpenTextDocument: never,
    onDidCloseTextDocument: never,
    onDidChangeTextDocument: never,
    onDidSaveTextDocument: never,
    onWillSaveTextDocument: never,
    onDidCreateFiles: never,
    onDidRenameFiles: never,
    onDidDeleteFiles: never,
    onWillCreateFiles: never,
    onWillRenameFiles: never,
    onWillDeleteFiles: never,
    registerTextDocumentContentProvider: noop,
    findFiles: async (glob) => (glob.includes('testany.toml') ? [Uri.file(`${folder}/testany.toml`)] : []),
    fs: strict('workspace.fs', {
      stat: async (u) => {
        const s = await stat(u.fsPath);
        return { type: s.isFile() ? FileType.File : s.isDirectory() ? FileType.Directory : 0, size: s.size };
      },
      readFile: async (u) => new Uint8Array(await readFile(u.fsPath)),
      readDirectory: async (u) =>
        (await readdir(u.fsPath, { withFileTypes: true })).map((e) => [
          e.name,
          e.isSymbolicLink()
            ? FileType.SymbolicLink
            : e.isDirectory()
              ? FileType.Directory
              : e.isFile()
                ? FileType.File
                : 0,
        ]),
    }),
  });
  const show = (level) => async (message) => (notices.push([level, message]), undefined);
  const window = strict('window', {
    createOutputChannel: channel,
    showInformationMessage: show('info'),
    showWarningMessage: show('warning'),
    showErrorMessage: show('error'),
    createStatusBarItem: () => strict('StatusBarItem', { show() {}, hide() {}, dispose() {} }),
    activeTextEditor: undefined,
    visibleTextEditors: [],
    onDidChangeActiveTextEditor: never,
    onDidChangeVisibleTextEditors: never,
  });
  const languages = strict('languages', {
    createDiagnosticCollection: (name) =>
      strict('DiagnosticCollection', { name, set() {}, delete() {}, clear() {}, dispose() {} }),
    registerHoverProvider: noop,
    registerCodeLensProvider: (selector, provider) => (lensProviders.push(provider), new Disposable()),
    getDiagnostics: () => [],
    onDidChangeDiagnostics: never,
    match: () => 10,
  });
  const commands = strict('commands', {
    registerCommand: noop,
    executeCommand: async () => undefined,
  });
  const tests = strict('tests', {
    createTestController: () =>
      strict('TestController', {
        items: strict('TestItemCollection', { replace() {}, forEach() {}, size: 0 }),
        createRunProfile: () => ({ dispose() {} }),
        dispose() {},
      }),
  });
  const api = {
    version: '1.90.0',
    Disposable,
    EventEmitter,
    Uri,
    Position,
    Range,
    Location,
    CodeLens,
    Diagnostic,
    DiagnosticRelatedInformation,
    CompletionItem,
    CodeAction,
    DocumentLink,
    CallHierarchyItem,
    TypeHierarchyItem,
    SymbolInformation,
    InlayHint,
    CancellationError,
    DiagnosticSeverity,
    ConfigurationTarget,
    FileType,
    StatusBarAlignment,
    TestRunProfileKind,
    CodeActionKind,
    CancellationTokenSource,
    workspace,
    window,
    languages,
    commands,
    tests,
    env: strict('env', { appName: 'stub', language: 'en', machineId: 'stub', sessionId: 'stub', uriScheme: 'vscode' }),
  };
  return strict('vscode', api);
}

/** Makes `require('vscode')` answer `stub` in this process. */
export function installStub(stub) {
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? stub : load.call(this, request, ...rest);
  };
}

/** A stand-in TextDocument of a file on disk. */
export async function textDocument(path, languageId) {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  return strict('TextDocument', {
    uri: Uri.file(path),
    fileName: path,
    languageId,
    version: 1,
    isClosed: false,
    isDirty: false,
    isUntitled: false,
    lineCount: lines.length,
    getText: () => text,
    lineAt: (l) => ({ text: lines[typeof l === 'number' ? l : l.line] }),
  });
}
