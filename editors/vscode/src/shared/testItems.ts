// What the Test Explorer shows for a case. Pure: no `vscode` import.
import { forDisplay } from './display';

/**
 * Case key -> case name from an execution in testany-core's canonical shape (the
 * `testany.showExecution` result); cases without a name are left out.
 */
export function caseNames(execution: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const cases = execution && typeof execution === 'object' ? (execution as { cases?: unknown }).cases : undefined;
  if (!Array.isArray(cases)) return out;
  for (const c of cases) {
    if (!c || typeof c !== 'object') continue;
    const { case_key: key, name } = c as { case_key?: unknown; name?: unknown };
    if (typeof key === 'string' && typeof name === 'string' && name.trim() !== '') out.set(key, name);
  }
  return out;
}

/**
 * A test item's label and description: the case's name, described by its key, result
 * and execution (`B7E4C2A9 · FAILED · SHP-0601-0000C`); the key is the label only while
 * no name is known (no execution has run the case yet).
 */
export function testItemText(
  key: string,
  name: string | undefined,
  result: string,
  execution: string | undefined,
): { label: string; description: string } {
  const description = [name ? key : undefined, result, execution].filter((s) => !!s).join(' · ');
  // Names, keys and results come from the service: shown with non-printing characters visible.
  return { label: forDisplay(name || key), description: forDisplay(description) };
}
