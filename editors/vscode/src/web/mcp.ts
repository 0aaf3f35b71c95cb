// A small MCP Streamable HTTP client over the worker's fetch, used only while the
// bundled testany-wasm build has no TestanyClient. It keeps the same safety rules as the
// native client (design.md section 9): guarded log URLs, no redirects, a size cap, and
// no secret in any error message.
import type { TestanyConfig } from '../shared/config';
import { executionsOf, Service } from './service';

const PROTOCOL_VERSION = '2025-06-18';
const LOG_CAP_BYTES = 64 * 1024 * 1024;
const LOG_PATH = '/api/v2/logproxy/internal/view';

type Json = Record<string, unknown>;

/** Messages of a reply body: one JSON object, or SSE `data:` events. */
export function replyMessages(contentType: string, body: string): unknown[] {
  if (contentType.includes('text/event-stream')) {
    const out: unknown[] = [];
    for (const event of body.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (!data) continue;
      try {
        out.push(JSON.parse(data));
      } catch {
        // A truncated event is ignored; a missing reply is reported below.
      }
    }
    return out;
  }
  try {
    const v = JSON.parse(body) as unknown;
    return Array.isArray(v) ? v : [v];
  } catch {
    return [];
  }
}

/** A tool result's JSON payload (structuredContent, JSON text content, or itself). */
export function toolPayload(tool: string, result: unknown): unknown {
  const r = (result ?? {}) as Json;
  const texts = Array.isArray(r.content)
    ? (r.content as Json[]).filter((c) => c && c.type === 'text' && typeof c.text === 'string').map((c) => c.text as string)
    : [];
  if (r.isError === true) throw new Error(`${tool} failed: ${texts.join(' ').slice(0, 300) || 'no reason given'}`);
  const unwrap = (v: unknown): unknown => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && 'result' in (v as Json)) {
      const inner = (v as Json).result;
      if (typeof inner === 'string') {
        try {
          return JSON.parse(inner);
        } catch {
          return inner;
        }
      }
      return inner;
    }
    return v;
  };
  if (r.structuredContent !== undefined && r.structuredContent !== null) return unwrap(r.structuredContent);
  for (const t of texts) {
    try {
      return unwrap(JSON.parse(t));
    } catch {
      // not JSON: try the next item
    }
  }
  if (!('content' in r)) return unwrap(r);
  throw new Error(`the ${tool} result holds no JSON`);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';
}

/** Checks a signed log URL against design.md section 9; returns the reason it is refused. */
export function refuseLogUrl(url: string, logDomain: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'the log URL is not a URL';
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) return 'the log URL is not https';
  const suffix = `.tr.${logDomain}`;
  const label = u.hostname.endsWith(suffix) ? u.hostname.slice(0, -suffix.length) : '';
  if (!label || label.includes('.')) return `the log host ${u.hostname} is not under ${logDomain}`;
  if (u.pathname !== LOG_PATH) return 'the log URL has an unexpected path';
  return undefined;
}

export function fetchService(config: TestanyConfig, token: string | undefined): Service {
  const url = config.url ?? '';
  let logDomain = config.log_domain;
  if (!logDomain) {
    try {
      logDomain = new URL(url).hostname;
    } catch {
      logDomain = '';
    }
  }
  let session: string | undefined;
  let initialized: Promise<void> | undefined;
  let nextId = 1;

  async function post(body: Json, withSession: boolean): Promise<{ status: number; messages: unknown[]; session?: string }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': PROTOCOL_VERSION,
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (withSession && session) headers['mcp-session-id'] = session;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), redirect: 'error' });
    const text = await res.text();
    return {
      status: res.status,
      messages: replyMessages(res.headers.get('content-type') ?? '', text),
      session: res.headers.get('mcp-session-id') ?? undefined,
    };
  }

  async function rpc(method: string, params: Json): Promise<unknown> {
    const id = nextId++;
    const reply = await post({ jsonrpc: '2.0', id, method, params }, method !== 'initialize');
    if (reply.status === 404 && method !== 'initialize') throw Object.assign(new Error('session expired'), { expired: true });
    if (reply.status === 401 || reply.status === 403) throw new Error('Testany refused the API token (use "Testany: Set API Token")');
    if (reply.status >= 400) throw new Error(`Testany answered HTTP ${reply.status} to ${method}`);
    if (method === 'initialize' && reply.session) session = reply.session;
    const msg = reply.messages.find((m) => (m as Json)?.id === id) as Json | undefined;
    if (!msg) throw new Error(`no reply to ${method}`);
    if (msg.error) throw new Error(`${method}: ${String((msg.error as Json).message ?? 'error').slice(0, 300)}`);
    return msg.result;
  }

  function ensure(): Promise<void> {
    initialized ??= (async () => {
      session = undefined;
      await rpc('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'testany-vscode-web', version: '0.1.0' },
      });
      await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, true);
    })().catch((e) => {
      initialized = undefined;
      throw e;
    });
    return initialized;
  }

  async function call(tool: string, args: Json): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      await ensure();
      try {
        return toolPayload(tool, await rpc('tools/call', { name: tool, arguments: args }));
      } catch (e) {
        if ((e as { expired?: boolean }).expired && attempt === 0) {
          initialized = undefined;
          continue;
        }
        throw e;
      }
    }
  }

  return {
    async listExecutions(pipeline, environment, limit) {
      const args: Json = { pipeline_key: pipeline, page_size: Math.min(Math.max(limit, 1), 100) };
      if (config.workspace) args.workspace = config.workspace;
      if (environment) args.env = environment;
      return executionsOf(await call('testany_list_executions', args));
    },
    getExecution: (key) => call('testany_get_execution', { execution_key: key }),
    refreshExecution: (key) => call('testany_refresh_execution', { execution_key: key }),
    executePipeline: (pipeline) => call('testany_execute_pipeline', { pipeline_key: pipeline }),
    async fetchLog(execution, caseIndex) {
      const sign = (await call('testany_log_sign', { executionKey: execution, caseIndex })) as Json;
      const logUrl = String(sign.logUrl ?? sign.log_url ?? '');
      const refused = refuseLogUrl(logUrl, logDomain ?? '');
      if (refused) throw new Error(refused);
      const operator = String(sign.operatorId ?? sign.operator_id ?? '');
      const res = await fetch(logUrl, {
        method: 'GET',
        headers: { 'X-Sign': String(sign.sign ?? ''), 'X-Operator-Id': operator },
        redirect: 'error',
      });
      if (!res.ok) throw new Error(`the log proxy answered HTTP ${res.status}`);
      const reader = res.body?.getReader();
      if (!reader) return res.text();
      const decoder = new TextDecoder();
      let text = '';
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        if (bytes > LOG_CAP_BYTES) {
          await reader.cancel();
          return `${text}\n[testany: log truncated at ${LOG_CAP_BYTES} bytes]\n`;
        }
        text += decoder.decode(value, { stream: true });
      }
      return text + decoder.decode();
    },
  };
}
