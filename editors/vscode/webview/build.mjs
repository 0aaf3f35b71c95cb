// Bundles the log viewer into dist/: index.html, viewer.js (esbuild, ESM), viewer.css,
// ansi.css (generated 256-colour palette), testany_wasm_bg.wasm (from `cargo xtask wasm`,
// read from ../../../target/wasm-pkg or $TESTANY_WASM_PKG).
import { build } from 'esbuild';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(process.env.TESTANY_WASM_PKG ?? join(here, '../../../target/wasm-pkg'));
const dist = join(here, 'dist');

if (!existsSync(join(pkg, 'testany_wasm.js'))) {
  console.error(`build: ${pkg}/testany_wasm.js is missing; run \`cargo xtask wasm\` first`);
  process.exit(1);
}
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  outfile: join(dist, 'viewer.js'),
  alias: { 'testany-wasm': join(pkg, 'testany_wasm.js') },
  logLevel: 'warning',
});
await copyFile(join(pkg, 'testany_wasm_bg.wasm'), join(dist, 'testany_wasm_bg.wasm'));
await copyFile(join(here, 'static/index.html'), join(dist, 'index.html'));
await copyFile(join(here, 'static/viewer.css'), join(dist, 'viewer.css'));
await writeFile(join(dist, 'ansi.css'), ansiCss());

/// xterm's 256-colour palette as `.ansi-fg-N` / `.ansi-bg-N` classes (the strict CSP
/// forbids inline styles, so every colour the wasm can name is a class).
function ansiCss() {
  const basic = [
    '#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
    '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
  ];
  const hex = (n) => n.toString(16).padStart(2, '0');
  const colours = [...basic];
  const levels = [0, 95, 135, 175, 215, 255];
  for (let r = 0; r < 6; r++)
    for (let g = 0; g < 6; g++)
      for (let b = 0; b < 6; b++) colours.push(`#${hex(levels[r])}${hex(levels[g])}${hex(levels[b])}`);
  for (let i = 0; i < 24; i++) colours.push(`#${hex(8 + i * 10).repeat(3)}`);
  const rules = colours.map(
    (c, i) => `.ansi-fg-${i}{color:${c}}.ansi-bg-${i}{background-color:${c}}`,
  );
  // Basic colours follow the VS Code theme when the webview provides its variables.
  const names = ['Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White'];
  basic.forEach((c, i) => {
    const name = `${i >= 8 ? 'Bright' : ''}${names[i % 8]}`;
    rules.push(
      `.ansi-fg-${i}{color:var(--vscode-terminal-ansi${name},${c})}` +
        `.ansi-bg-${i}{background-color:var(--vscode-terminal-ansi${name},${c})}`,
    );
  });
  rules.push(
    '.ansi-bold{font-weight:bold}.ansi-dim{opacity:.6}.ansi-italic{font-style:italic}' +
      '.ansi-underline{text-decoration:underline}.ansi-inverse{filter:invert(100%)}',
  );
  return rules.join('\n') + '\n';
}
