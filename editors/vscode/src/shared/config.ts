// testany.toml reading and settings merging (design.md section 3). Pure: no `vscode`
// import, so node:test can load it.

/** The keys of design.md section 3, as testany.toml spells them. */
export interface TestanyConfig {
  url?: string;
  workspace?: string;
  pipelines?: string[];
  environment?: string;
  log_domain?: string;
  history?: number;
  poll?: { running_secs?: number; idle_secs?: number };
  cases?: Record<string, string>;
}

export type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };

/** A problem found in testany.toml, with its 0-based line. */
export interface ConfigProblem {
  line: number;
  message: string;
}

/**
 * Reads the TOML subset testany.toml uses: `[table]` headers, `key = value` with strings,
 * integers, booleans and arrays of those, and comments. Never throws: lines it cannot
 * read become problems.
 */
export function parseToml(text: string): { value: Record<string, TomlValue>; problems: ConfigProblem[] } {
  const root: Record<string, TomlValue> = {};
  const problems: ConfigProblem[] = [];
  let table: Record<string, TomlValue> = root;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]).trim();
    if (line === '') continue;
    const header = /^\[\s*([A-Za-z0-9_.-]+)\s*\]$/.exec(line);
    if (header) {
      table = root;
      for (const part of header[1].split('.')) {
        const next = table[part];
        if (next && typeof next === 'object' && !Array.isArray(next)) {
          table = next;
        } else {
          const created: Record<string, TomlValue> = {};
          table[part] = created;
          table = created;
        }
      }
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      problems.push({ line: i, message: `expected \`key = value\`, found \`${line}\`` });
      continue;
    }
    let key = line.slice(0, eq).trim();
    if (/^".*"$/.test(key)) key = key.slice(1, -1);
    const parsed = parseValue(line.slice(eq + 1).trim());
    if (parsed === undefined) {
      problems.push({ line: i, message: `cannot read the value of \`${key}\`` });
      continue;
    }
    table[key] = parsed;
  }
  return { value: root, problems };
}

function stripComment(line: string): string {
  let inString: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\' && inString === '"') i++;
      else if (c === inString) inString = null;
    } else if (c === '"' || c === "'") {
      inString = c;
    } else if (c === '#') {
      return line.slice(0, i);
    }
  }
  return line;
}

function parseValue(text: string): TomlValue | undefined {
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return undefined;
    }
  }
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) return text.slice(1, -1);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^[+-]?\d[\d_]*$/.test(text)) return Number(text.replace(/_/g, ''));
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).trim();
    if (inner === '') return [];
    const items: TomlValue[] = [];
    for (const part of splitTopLevel(inner)) {
      if (part.trim() === '') continue;
      const v = parseValue(part.trim());
      if (v === undefined) return undefined;
      items.push(v);
    }
    return items;
  }
  return undefined;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\' && inString === '"') i++;
      else if (c === inString) inString = null;
    } else if (c === '"' || c === "'") inString = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Reads testany.toml text into the typed configuration, keeping only well-typed keys. */
export function readConfig(text: string): { config: TestanyConfig; problems: ConfigProblem[] } {
  const { value, problems } = parseToml(text);
  const config: TestanyConfig = {};
  if ('token' in value) {
    problems.push({
      line: lineOf(text, 'token'),
      message: 'testany.toml must not hold `token`: use "Testany: Set API Token" (or TESTANY_TOKEN)',
    });
  }
  const str = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : undefined);
  config.url = str('url');
  config.workspace = str('workspace');
  config.environment = str('environment');
  config.log_domain = str('log_domain');
  if (typeof value.history === 'number') config.history = value.history;
  if (Array.isArray(value.pipelines)) {
    config.pipelines = value.pipelines.filter((p): p is string => typeof p === 'string');
  }
  const poll = value.poll;
  if (poll && typeof poll === 'object' && !Array.isArray(poll)) {
    config.poll = {};
    if (typeof poll.running_secs === 'number') config.poll.running_secs = poll.running_secs;
    if (typeof poll.idle_secs === 'number') config.poll.idle_secs = poll.idle_secs;
  }
  const cases = value.cases;
  if (cases && typeof cases === 'object' && !Array.isArray(cases)) {
    config.cases = {};
    for (const [k, v] of Object.entries(cases)) if (typeof v === 'string') config.cases[k] = v;
  }
  for (const k of Object.keys(config) as (keyof TestanyConfig)[]) {
    if (config[k] === undefined) delete config[k];
  }
  return { config, problems };
}

function lineOf(text: string, key: string): number {
  const idx = text.split(/\r?\n/).findIndex((l) => new RegExp(`^\\s*${key}\\s*=`).test(l));
  return Math.max(idx, 0);
}

/** Settings that are set (not null/undefined) override the file, key by key. */
export function mergeConfig(file: TestanyConfig, settings: TestanyConfig): TestanyConfig {
  const out: TestanyConfig = { ...file };
  for (const [k, v] of Object.entries(settings) as [keyof TestanyConfig, unknown][]) {
    if (v === undefined || v === null) continue;
    if (k === 'poll' && typeof v === 'object') {
      const poll = { ...(file.poll ?? {}) };
      for (const [pk, pv] of Object.entries(v as Record<string, unknown>)) {
        if (typeof pv === 'number') (poll as Record<string, number>)[pk] = pv;
      }
      out.poll = poll;
    } else {
      (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/** Pipeline an execution key belongs to: the longest configured pipeline it extends. */
export function pipelineOf(execution: string, pipelines: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const p of pipelines) {
    if (execution.startsWith(`${p}-`) && (!best || p.length > best.length)) best = p;
  }
  if (best) return best;
  const cut = execution.lastIndexOf('-');
  return cut > 0 ? execution.slice(0, cut) : undefined;
}
