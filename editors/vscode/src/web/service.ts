// The Testany operations the web entry needs, on testany-wasm's TestanyClient (the
// browser's fetch). One adapter, so the engine does not depend on binding details.
import * as wasm from 'testany-wasm';
import type { TestanyConfig } from '../shared/config';

export interface Service {
  listExecutions(pipeline: string, environment: string | undefined, limit: number): Promise<unknown[]>;
  getExecution(key: string): Promise<unknown>;
  refreshExecution(key: string): Promise<unknown>;
  executePipeline(pipeline: string): Promise<unknown>;
  /** The case's log text, fetched through the signed, guarded log proxy. */
  fetchLog(execution: string, caseIndex: number): Promise<string>;
}

/** Executions out of a list reply of any shape (`{executions}`, `{items}`, an array). */
export function executionsOf(reply: unknown): unknown[] {
  if (Array.isArray(reply)) return reply;
  if (reply && typeof reply === 'object') {
    const r = reply as Record<string, unknown>;
    for (const k of ['executions', 'items', 'data']) if (Array.isArray(r[k])) return r[k] as unknown[];
  }
  return [];
}

export function wasmService(config: TestanyConfig, token: string | undefined): Service {
  const client = new wasm.TestanyClient({
    url: config.url,
    token: token ?? null,
    logDomain: config.log_domain ?? null,
  });
  return {
    async listExecutions(pipeline, environment, limit) {
      const filter: Record<string, unknown> = { pipelineKey: pipeline, pageSize: Math.min(Math.max(limit, 1), 100) };
      if (config.workspace) filter.workspace = config.workspace;
      if (environment) filter.env = environment;
      return executionsOf(await client.listExecutions(filter));
    },
    getExecution: (key) => client.getExecution(key),
    refreshExecution: (key) => client.refreshExecution(key),
    executePipeline: (pipeline) => client.executePipeline(pipeline),
    async fetchLog(execution, caseIndex) {
      // `{text, bytes, truncated}`; the cap note is part of the text when truncated.
      const reply = (await client.fetchLogText(execution, caseIndex)) as { text?: unknown; truncated?: unknown };
      const text = typeof reply?.text === 'string' ? reply.text : '';
      return reply?.truncated === true ? `${text}\n[testany: log truncated at the size cap]\n` : text;
    },
  };
}
