// Benchmark of the log viewer in headless Chromium: for 1, 10 and 100 MiB logs, time to
// first paint once the text is in memory, time until indexed and analysed, time to
// scroll to the end, plain and regex search, JS heap and wasm memory. Prints a Markdown
// table (pasted into docs/benchmarks.md) and writes target/artifacts/viewer-bench.json.
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { artifacts, dist, generateLog, launch, serve } from './lib.mjs';

const MIB = 1024 * 1024;
const sizes = (process.env.BENCH_MIB ?? '1,10,100').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const tmp = mkdtempSync(join(tmpdir(), 'testany-bench-'));
const files = {};
const logs = {};
for (const mib of sizes) {
  logs[mib] = generateLog(join(tmp, `${mib}.log`), mib * MIB);
  files[`/${mib}.log`] = logs[mib].path;
}
const server = await serve(files);
const browser = await launch();
const rows = [];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const mib of sizes) {
    const samples = [];
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      await page.goto(`${server.url}/`);
      await page.waitForFunction(() => window.testanyViewer !== undefined);
      const sample = await page.evaluate(async (url) => {
        const text = await (await fetch(url)).text();
        const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
        const v = window.testanyViewer;
        await v.load(text); // resolves after the first painted frame
        const firstPaint = v.state().timings.firstPaint;
        await v.whenReady();
        const ready = v.state().timings.ready;
        let t = performance.now();
        v.scrollToEnd();
        await frame();
        const scrollEnd = performance.now() - t;
        t = performance.now();
        const plainHits = await v.search('needle-failure', false);
        const plain = performance.now() - t;
        t = performance.now();
        const regexHits = await v.search(String.raw`case_\d+\.test\.ts:\d+`, true);
        const regex = performance.now() - t;
        const heap = performance.memory ? performance.memory.usedJSHeapSize : 0;
        return { firstPaint, ready, scrollEnd, plain, regex, plainHits, regexHits, heap,
          wasm: v.state().wasmMemoryBytes, lines: v.state().lineCount };
      }, `/${mib}.log`);
      samples.push(sample);
      await page.close();
    }
    const pick = (k) => median(samples.map((s) => s[k]));
    const row = {
      mib, lines: samples[0].lines, failures: logs[mib].failures.length,
      firstPaint: pick('firstPaint'), ready: pick('ready'), scrollEnd: pick('scrollEnd'),
      plain: pick('plain'), regex: pick('regex'), heap: pick('heap'), wasm: pick('wasm'),
      hitsOk: samples.every((s) => s.plainHits === logs[mib].failures.length && s.regexHits === logs[mib].failures.length),
    };
    rows.push(row);
    console.error(`bench: ${mib} MiB done`, JSON.stringify(row));
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
const version = (await browser.version?.()) ?? '';
const wasmBytes = statSync(join(dist, 'testany_wasm_bg.wasm')).size;
const ms = (x) => x.toFixed(x < 10 ? 1 : 0);
const mb = (x) => (x / MIB).toFixed(0);
const lines = [
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${mb(totalmem())} MiB RAM; ` +
    `Chromium ${version || '(Debian)'}; medians of ${runs} runs; viewport 1200x800; .wasm ${wasmBytes} bytes.`,
  '',
  '| log | lines | first paint | indexed + analysed | scroll to end | plain search | regex search | JS heap | wasm memory |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) =>
    `| ${r.mib} MiB | ${r.lines.toLocaleString('en')} | ${ms(r.firstPaint)} ms | ${ms(r.ready)} ms | ` +
      `${ms(r.scrollEnd)} ms | ${ms(r.plain)} ms | ${ms(r.regex)} ms | ${mb(r.heap)} MiB | ${mb(r.wasm)} MiB |`),
];
console.log(lines.join('\n'));
writeFileSync(join(artifacts, 'viewer-bench.json'), JSON.stringify({ rows, wasmBytes }, null, 2));
if (!rows.every((r) => r.hitsOk)) {
  console.error('bench: a search returned the wrong count');
  process.exit(1);
}
