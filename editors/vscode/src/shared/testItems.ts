// What the Test Explorer shows for a case. Pure: no `vscode` import.

/**
 * A test item's label and description: the case's name, described by its key, result
 * and execution (`B7E4C2A9 · FAILED · SHP-0601-0000C`); the key is the label only while
 * no name is known (no execution has run the case yet). A stale state says so.
 */
export function testItemText(
  key: string,
  name: string | undefined,
  result: string,
  execution: string | undefined,
  stale = false,
): { label: string; description: string } {
  const description = [name ? key : undefined, result, execution, stale ? 'stale' : undefined]
    .filter((s) => !!s)
    .join(' · ');
  // The name arrives as display text (the server's convert::display); keys are data.
  return { label: name || key, description };
}
