/**
 * A code's definition, inclusion and exclusion criteria and example in one REFI-QDA Description,
 * as text a person can read in any tool:
 *
 *     Definition: Talk about leading change.
 *     Inclusion: Explicit mentions of …
 *       a second line of the inclusion criteria
 *     Example: "We just got on with it."
 *
 * Each field starts on a line of its own with its label; its further lines are indented by two
 * spaces, so any text (even a line that itself begins with "Example:") reads back losslessly.
 * Empty fields are left out. A Description in any other shape (another tool's) is the definition.
 */
import type { ExchangeCode } from '../model';

type DescribedFields = Pick<ExchangeCode, 'definition' | 'inclusion' | 'exclusion' | 'example'>;

const labels: [keyof DescribedFields, string][] = [
  ['definition', 'Definition'],
  ['inclusion', 'Inclusion'],
  ['exclusion', 'Exclusion'],
  ['example', 'Example'],
];

const continuationIndent = '  ';

/** The Description text, or null when every field is empty. */
export function formatCodeDescription(code: DescribedFields): string | null {
  const parts: string[] = [];
  for (const [field, label] of labels) {
    const value = code[field];
    if (value !== '') parts.push(`${label}: ${value.split('\n').join(`\n${continuationIndent}`)}`);
  }
  return parts.length === 0 ? null : parts.join('\n');
}

export function parseCodeDescription(description: string): DescribedFields {
  const fields: DescribedFields = { definition: '', inclusion: '', exclusion: '', example: '' };
  const lines = description.split('\n');
  let current: keyof DescribedFields | null = null;
  const seen = new Set<keyof DescribedFields>();
  for (const line of lines) {
    const labelled = labels.find(([, label]) => line.startsWith(`${label}: `));
    if (labelled && !seen.has(labelled[0])) {
      current = labelled[0];
      seen.add(current);
      fields[current] = line.slice(labelled[1].length + 2);
    } else if (current !== null && line.startsWith(continuationIndent)) {
      fields[current] += `\n${line.slice(continuationIndent.length)}`;
    } else {
      return { definition: description, inclusion: '', exclusion: '', example: '' };
    }
  }
  return fields;
}
