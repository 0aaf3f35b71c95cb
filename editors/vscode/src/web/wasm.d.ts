// The testany-wasm module as the web entry uses it (wasm-bindgen `--target web` output).
declare module 'testany-wasm' {
  export default function init(input?: unknown): Promise<unknown>;
  export function initSync(input?: unknown): unknown;
  export class LogView {
    constructor(text: string);
    analyze(budgetBytes: number): boolean;
    lineCount(): number;
    failures(): { line: number; message: string; category: string }[];
    failureLines(): Uint32Array | number[];
    locations(): { path: string; line: number; column?: number | null; logLine: number }[];
    free(): void;
  }
  export function parseExecution(json: unknown): unknown;
  export function planLenses(text: string, executions: unknown[], options?: unknown): WasmPlan;
  export interface WasmRange {
    start: { line: number; character: number };
    end: { line: number; character: number };
  }
  export interface WasmPlan {
    lenses: { range: WasmRange; title: string; command: string | null; arguments: unknown }[];
    diagnostics: {
      range: WasmRange;
      severity: 'error' | 'warning' | 'information' | 'hint';
      code: string | null;
      source: string;
      message: string;
      relatedInformation: { uri: string; range: WasmRange; message: string }[];
    }[];
  }
  /** `new TestanyClient({url, token, logDomain, operatorId, requestTimeoutMs, logCapBytes})`. */
  export class TestanyClient {
    constructor(options: unknown);
    listExecutions(filter: unknown): Promise<unknown>;
    getExecution(executionKey: string): Promise<unknown>;
    refreshExecution(executionKey: string): Promise<unknown>;
    executePipeline(pipelineKey: string): Promise<unknown>;
    /** `{text, bytes, truncated}`. */
    fetchLogText(executionKey: string, caseIndex: number): Promise<unknown>;
    free(): void;
  }
}
