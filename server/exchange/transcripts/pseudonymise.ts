/**
 * Pseudonymisation before import: names of people, places and organisations are replaced by labels
 * such as `[GP-1]` or `[Site-A]` in turn texts and speaker labels alike. Matching is whole-word
 * and case-insensitive, longest names first (so "Dr Jane Smith" is one replacement, not "Dr Jane"
 * plus "[Smith]"), and any run of white space in a name matches any run in the text. Words are
 * letters, marks and digits; hyphens and underscores separate them, because leaving "Jane" in
 * "jane_smith" or "Jane-Marie" would be a leak, while an extra replacement only costs readability.
 *
 * The mapping's replacements are matched too and left as they are, so running it twice changes
 * nothing the first run did not; and a replacement may not contain a name of the mapping, since
 * that would put the name back into the text.
 */
import { defaultLimits, type Limits } from '../../config';
import { invalid } from '../../errors';
import type { ExchangeTurn } from '../model';
import { NameMatcher } from './nameMatcher';

export interface PseudonymEntry {
  original: string;
  replacement: string;
}

export interface PseudonymCount extends PseudonymEntry {
  inText: number;
  inSpeakers: number;
}

export interface PseudonymisedTurns {
  turns: ExchangeTurn[];
  /** One per mapping entry, in the mapping's order. */
  counts: PseudonymCount[];
}

export type PseudonymLimits = Pick<Limits, 'pseudonymEntriesMax' | 'nameMaxChars'>;

const invalidMapping = (message: string) => invalid(message, 'invalid_pseudonym_mapping');
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
/** How names compare: case and white space do not count. */
const nameKey = (name: string) => collapse(name).toLowerCase();

function checkEntry(entry: PseudonymEntry, index: number, limits: PseudonymLimits): PseudonymEntry {
  const fields = ['original', 'replacement'] as const;
  for (const field of fields) {
    const value = (entry as unknown as Record<string, unknown>)[field];
    if (typeof value !== 'string') throw invalidMapping(`mapping[${index}].${field}: expected a string`);
    if (collapse(value).length === 0) throw invalidMapping(`mapping[${index}].${field}: empty`);
    if (value.length > limits.nameMaxChars) throw invalidMapping(`mapping[${index}].${field}: at most ${limits.nameMaxChars} characters`);
    if (/[\n\r]/.test(value)) throw invalidMapping(`mapping[${index}].${field}: a line break cannot be part of a name`);
  }
  return { original: collapse(entry.original), replacement: collapse(entry.replacement) };
}

/** Validates a mapping (from a request or a stored project) and returns it with white space tidied. */
export function checkPseudonymMapping(mapping: readonly PseudonymEntry[], limits: PseudonymLimits = defaultLimits): PseudonymEntry[] {
  if (!Array.isArray(mapping)) throw invalidMapping('mapping: expected a list of { original, replacement }');
  if (mapping.length > limits.pseudonymEntriesMax) throw invalidMapping(`mapping: at most ${limits.pseudonymEntriesMax} entries`);
  const entries = mapping.map((entry, index) => checkEntry(entry, index, limits));
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const earlier = seen.get(nameKey(entry.original));
    if (earlier !== undefined) throw invalidMapping(`mapping[${index}].original: "${entry.original}" is also mapping[${earlier}]`);
    seen.set(nameKey(entry.original), index);
  });
  // A replacement must not reintroduce a name.
  const names = new NameMatcher(entries.map((entry) => ({ name: entry.original, value: entry.original })));
  entries.forEach((entry, index) => {
    const [leaked] = names.matches(entry.replacement);
    if (leaked)
      throw invalid(
        `mapping[${index}].replacement: "${entry.replacement}" contains the name "${entry.replacement.slice(leaked.start, leaked.end)}"`,
        'pseudonym_leaks_name',
      );
  });
  return entries;
}

/** Replaces every mapped name in the turns' texts and speakers; see the module comment for the rules. */
export function pseudonymise(
  turns: readonly ExchangeTurn[],
  mapping: readonly PseudonymEntry[],
  limits: PseudonymLimits = defaultLimits,
): PseudonymisedTurns {
  const entries = checkPseudonymMapping(mapping, limits);
  const counts: PseudonymCount[] = entries.map((entry) => ({ ...entry, inText: 0, inSpeakers: 0 }));
  if (entries.length === 0) return { turns: turns.map((turn) => ({ ...turn })), counts };
  // Replacements are names too, matched and kept as they are, so a second run leaves them alone.
  const matcher = new NameMatcher<PseudonymCount | null>([
    ...counts.map((count) => ({ name: count.original, value: count })),
    ...[...new Set(entries.map((entry) => entry.replacement))].map((name) => ({ name, value: null })),
  ]);
  const replaceIn = (text: string, field: 'inText' | 'inSpeakers') =>
    matcher.replaceAll(text, (count, matched) => {
      if (!count) return matched;
      count[field] += 1;
      return count.replacement;
    });
  return {
    turns: turns.map((turn) => ({ ...turn, speaker: replaceIn(turn.speaker, 'inSpeakers'), text: replaceIn(turn.text, 'inText') })),
    counts,
  };
}

export type PseudonymNumbering = 'numbers' | 'letters';

export interface PseudonymRequest {
  original: string;
  /** What the name is, e.g. `GP`, `Site`, `Trust`: the label becomes `[GP-1]`, `[Site-A]`, … */
  category: string;
}

const categoryShape = /^[\p{L}\p{N}][\p{L}\p{N} _]*$/u;
const categoryMaxChars = 40;
const labelShape = /^\[(.+)-(\d+|[A-Z]+)\]$/u;

/** 1 → A, 26 → Z, 27 → AA (spreadsheet columns). */
function letters(ordinal: number): string {
  let label = '';
  for (let rest = ordinal; rest > 0; rest = Math.floor((rest - 1) / 26)) label = String.fromCharCode(65 + ((rest - 1) % 26)) + label;
  return label;
}

function ordinalOfLetters(label: string): number {
  return [...label].reduce((total, letter) => total * 26 + (letter.charCodeAt(0) - 64), 0);
}

/**
 * Labels for names by category, extending an existing mapping: a name already in it keeps its label
 * (later imports of the same project reuse it), a name seen twice gets one label, and new labels
 * continue after the highest one of their category, so no label is ever given to two people.
 */
export function proposePseudonyms(
  requests: readonly PseudonymRequest[],
  existing: readonly PseudonymEntry[],
  numbering: Readonly<Record<string, PseudonymNumbering>> = {},
  limits: PseudonymLimits = defaultLimits,
): { mapping: PseudonymEntry[]; added: PseudonymEntry[] } {
  const mapping = checkPseudonymMapping(existing, limits);
  const known = new Map(mapping.map((entry) => [nameKey(entry.original), entry.replacement]));
  const highest = new Map<string, number>();
  for (const { replacement } of mapping) {
    const label = labelShape.exec(replacement);
    if (!label) continue;
    const ordinal = /^\d+$/.test(label[2]) ? Number(label[2]) : ordinalOfLetters(label[2]);
    highest.set(label[1], Math.max(highest.get(label[1]) ?? 0, ordinal));
  }
  const added: PseudonymEntry[] = [];
  requests.forEach((request, index) => {
    const category = collapse(request.category ?? '');
    if (!categoryShape.test(category) || category.length > categoryMaxChars)
      throw invalid(
        `names[${index}].category: "${category}" must be letters, digits, spaces or _ (at most ${categoryMaxChars})`,
        'invalid_pseudonym_category',
      );
    const original = collapse(request.original ?? '');
    if (original.length === 0) throw invalidMapping(`names[${index}].original: empty`);
    if (known.has(nameKey(original))) return;
    const ordinal = (highest.get(category) ?? 0) + 1;
    highest.set(category, ordinal);
    const replacement = `[${category}-${numbering[category] === 'letters' ? letters(ordinal) : ordinal}]`;
    known.set(nameKey(original), replacement);
    added.push({ original, replacement });
  });
  // The result must itself be a valid mapping (e.g. a category that is also a name would leak it).
  return { mapping: checkPseudonymMapping([...mapping, ...added], limits), added };
}
