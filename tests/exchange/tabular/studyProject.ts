/**
 * A small hand-built project for the tabular exports: two interviews with emoji, several turns,
 * nested codes, participant attributes, overlapping codings in two coders' layers and the
 * consensus, a memo with quotes, commas and a line break, and values that start with `=`.
 */
import { type ExchangeCoding, type ExchangeProject, type ExchangeSource, sourceText } from '../../../server/exchange/model';

export const interviewOne: ExchangeSource = {
  id: 'src-1',
  title: 'Interview 1 — GP',
  turns: [
    { speaker: 'Interviewer', timestamp: '00:00:05', text: 'How do you lead? 🙂' },
    { speaker: 'GP', timestamp: '00:00:12', text: 'Mostly by trust, and time 🕐 is short.' },
    { speaker: 'Interviewer', timestamp: '00:01:40', text: 'Thank you.' },
  ],
  attributes: { role: 'GP', site: 'North' },
};

export const interviewTwo: ExchangeSource = {
  id: 'src-2',
  title: 'Interview 2',
  turns: [{ speaker: 'Manager', timestamp: null, text: 'We plan together, =SUM(A1) style.' }],
  attributes: { role: 'Manager', 'age band': '40-49' },
};

/** Offsets of the `occurrence`-th appearance of `phrase` in a source's canonical text. */
export function span(source: Pick<ExchangeSource, 'turns'>, phrase: string, occurrence = 0) {
  const text = sourceText(source);
  let start = -1;
  for (let k = 0; k <= occurrence; k++) {
    start = text.indexOf(phrase, start + 1);
    if (start < 0) throw new Error(`"${phrase}" does not occur ${occurrence + 1} times`);
  }
  return { start, end: start + phrase.length };
}

export const quotedMemo = 'She said "no, not yet",\nthen smiled.';

function coding(fields: Omit<ExchangeCoding, 'memo' | 'createdAt'> & Partial<ExchangeCoding>): ExchangeCoding {
  return { memo: '', createdAt: '2025-03-01T10:00:00.000Z', ...fields };
}

export function studyProject(): ExchangeProject {
  return {
    name: 'Leadership & commissioning',
    blind: true,
    users: [
      { id: 'u-ana', name: 'Ana Ortiz', email: 'ana@example.org', role: 'owner' },
      { id: 'u-ben', name: 'Ben Kaur', email: 'ben@example.org', role: 'coder' },
      { id: 'u-cai', name: 'Cai Li', email: 'cai@example.org', role: 'adjudicator' },
      { id: 'u-ext', name: 'Former member' },
    ],
    codes: [
      {
        id: 'c-time',
        name: 'Time pressure',
        parentId: null,
        order: 1,
        color: '#16a34a',
        definition: 'Talk about lack of time.',
        inclusion: 'Deadlines, "too busy"',
        exclusion: '',
        example: '=short staffed',
        archived: false,
      },
      {
        id: 'c-lead',
        name: 'Leadership',
        parentId: null,
        order: 0,
        color: '#e11d48',
        definition: 'How people lead.',
        inclusion: '',
        exclusion: 'Formal titles only',
        example: '',
        archived: false,
      },
      {
        id: 'c-trust',
        name: 'Trust',
        parentId: 'c-lead',
        order: 0,
        color: '#2563eb',
        definition: 'Leading by trust.',
        inclusion: '',
        exclusion: '',
        example: 'Mostly by trust',
        archived: false,
      },
      {
        id: 'c-old',
        name: 'Old idea',
        parentId: 'c-trust',
        order: 0,
        color: '#777777',
        definition: '',
        inclusion: '',
        exclusion: '',
        example: '',
        archived: true,
      },
    ],
    sources: [structuredClone(interviewOne), structuredClone(interviewTwo)],
    codings: [
      coding({
        id: 'k-4',
        sourceId: 'src-1',
        layer: { kind: 'coder', userId: 'u-ben' },
        codeId: 'c-time',
        ...span(interviewOne, 'time 🕐 is short'),
        createdBy: 'u-ben',
        memo: '=HYPERLINK("http://example.org")',
      }),
      coding({
        id: 'k-3',
        sourceId: 'src-1',
        layer: { kind: 'coder', userId: 'u-ben' },
        codeId: 'c-trust',
        ...span(interviewOne, 'trust, and time'),
        createdBy: 'u-ben',
        memo: quotedMemo,
      }),
      coding({
        id: 'k-1',
        sourceId: 'src-1',
        layer: { kind: 'coder', userId: 'u-ana' },
        codeId: 'c-lead',
        ...span(interviewOne, 'lead? 🙂'),
        createdBy: 'u-ana',
      }),
      coding({
        id: 'k-2',
        sourceId: 'src-1',
        layer: { kind: 'consensus' },
        codeId: 'c-lead',
        ...span(interviewOne, '🙂\nMostly'),
        createdBy: 'u-cai',
        createdAt: '2025-03-02T08:15:00.000Z',
      }),
      coding({
        id: 'k-5',
        sourceId: 'src-2',
        layer: { kind: 'coder', userId: 'u-ana' },
        codeId: 'c-time',
        ...span(interviewTwo, 'plan together'),
        createdBy: 'u-ana',
      }),
    ],
  };
}
