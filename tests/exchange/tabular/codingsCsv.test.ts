/**
 * Coded segments and codebook as CSV: exact bytes for a small case, a parse back with csv-parse,
 * row order, the turn a coding starts in, formula neutralisation, and R's read.csv when R is here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExchangeProject } from '../../../server/exchange/model';
import { codebookCsv } from '../../../server/exchange/tabular/codebookCsv';
import { codingsCsv } from '../../../server/exchange/tabular/codingsCsv';
import { refusalOf } from './refusal';
import { interviewOne, quotedMemo, span, studyProject } from './studyProject';

function tinyProject(): ExchangeProject {
  return {
    name: 'Tiny',
    blind: false,
    users: [{ id: 'u-dee', name: 'Dee' }],
    codes: [
      { id: 'c-stance', name: 'Stance', parentId: null, order: 0, color: '#111111', definition: '', inclusion: '', exclusion: '', example: '', archived: false },
      { id: 'c-agree', name: 'Agree', parentId: 'c-stance', order: 0, color: '#222222', definition: '', inclusion: '', exclusion: '', example: '', archived: false },
    ],
    sources: [
      {
        id: 's',
        title: 'Talk',
        attributes: { site: '=North' },
        turns: [
          { speaker: 'A', timestamp: '00:01', text: 'Yes, "really".' },
          { speaker: 'B', timestamp: null, text: '-No.' },
        ],
      },
    ],
    codings: [
      { id: 'k2', sourceId: 's', layer: { kind: 'consensus' }, codeId: 'c-stance', start: 15, end: 19, memo: 'line one\nline two', createdAt: '2025-01-02T03:04:05.000Z', createdBy: 'u-dee' },
      { id: 'k1', sourceId: 's', layer: { kind: 'coder', userId: 'u-dee' }, codeId: 'c-agree', start: 0, end: 3, memo: 'a "b", c\nd', createdAt: '2025-01-02T03:04:05.000Z', createdBy: 'u-dee' },
    ],
  };
}

type Row = Record<string, string>;
const readRows = (csv: string): Row[] => parse(csv, { columns: true, bom: true });

describe('coded segments CSV', () => {
  it('writes RFC 4180 records with CRLF, quoted line breaks and quotes, and neutralised formulas', () => {
    expect(codingsCsv(tinyProject())).toBe(
      [
        'document,site,speaker,timestamp,layer,coder,code,code path,start,end,text,memo,created',
        `Talk,'=North,A,00:01,coder,Dee,Agree,Stance > Agree,0,3,Yes,"a ""b"", c\nd",2025-01-02T03:04:05.000Z`,
        // A line break alone is quoted too: R's read.csv ends the record at an unquoted "\n".
        `Talk,'=North,B,,consensus,Consensus,Stance,Stance,15,19,'-No.,"line one\nline two",2025-01-02T03:04:05.000Z`,
        '',
      ].join('\r\n'),
    );
  });

  it('starts with a UTF-8 byte order mark only when asked (for Excel)', () => {
    expect(codingsCsv(tinyProject()).charCodeAt(0)).toBe('d'.charCodeAt(0));
    const withBom = codingsCsv(tinyProject(), { bom: true });
    expect(withBom.charCodeAt(0)).toBe(0xfeff);
    expect(withBom.slice(1)).toBe(codingsCsv(tinyProject()));
  });

  it('parses back to one row per coding with attributes, turn speaker, layer, code path, offsets and words', () => {
    const rows = readRows(codingsCsv(studyProject()));
    expect(Object.keys(rows[0])).toEqual([
      'document', 'age band', 'role', 'site', 'speaker', 'timestamp', 'layer', 'coder', 'code', 'code path', 'start', 'end', 'text', 'memo', 'created',
    ]);
    expect(rows.map((row) => [row.document, row.start, row.end, row.coder, row.code])).toEqual([
      ['Interview 1 — GP', '11', '19', 'Ana Ortiz', 'Leadership'],
      ['Interview 1 — GP', '17', '26', 'Consensus', 'Leadership'],
      ['Interview 1 — GP', '30', '45', 'Ben Kaur', 'Trust'],
      ['Interview 1 — GP', '41', '57', 'Ben Kaur', 'Time pressure'],
      ['Interview 2', '3', '16', 'Ana Ortiz', 'Time pressure'],
    ]);
    const [lead, consensus, trust, time, plan] = rows;
    expect(lead).toMatchObject({ 'age band': '', role: 'GP', site: 'North', speaker: 'Interviewer', timestamp: '00:00:05', layer: 'coder', text: 'lead? 🙂' });
    // The consensus coding starts on the emoji in the first turn and runs into the second.
    expect(consensus).toMatchObject({ speaker: 'Interviewer', layer: 'consensus', text: '🙂\nMostly', created: '2025-03-02T08:15:00.000Z' });
    expect(trust).toMatchObject({ speaker: 'GP', timestamp: '00:00:12', 'code path': 'Leadership > Trust', memo: quotedMemo });
    expect(time.memo).toBe(`'=HYPERLINK("http://example.org")`);
    expect(time.text).toBe('time 🕐 is short');
    expect(plan).toMatchObject({ 'age band': '40-49', role: 'Manager', site: '', timestamp: '', text: 'plan together' });
  });

  it('orders rows by document, start, end, layer (coders by name, consensus last), then code', () => {
    const project = studyProject();
    const range = span(interviewOne, 'Mostly');
    const at = { sourceId: 'src-1', ...range, memo: '', createdAt: '2025-03-03T00:00:00.000Z' };
    project.codings = [
      { ...at, id: 'z1', layer: { kind: 'consensus' }, codeId: 'c-lead', createdBy: 'u-cai' },
      { ...at, id: 'z2', layer: { kind: 'coder', userId: 'u-ben' }, codeId: 'c-time', createdBy: 'u-ben' },
      { ...at, id: 'z3', layer: { kind: 'coder', userId: 'u-ben' }, codeId: 'c-lead', createdBy: 'u-ben' },
      { ...at, id: 'z4', layer: { kind: 'coder', userId: 'u-ana' }, codeId: 'c-trust', createdBy: 'u-ana' },
      { ...at, id: 'z5', sourceId: 'src-2', start: 0, end: 2, layer: { kind: 'coder', userId: 'u-ana' }, codeId: 'c-lead', createdBy: 'u-ana' },
      { ...at, id: 'z6', start: 0, end: 3, layer: { kind: 'coder', userId: 'u-ana' }, codeId: 'c-lead', createdBy: 'u-ana' },
    ];
    const rows = readRows(codingsCsv(project));
    expect(rows.map((row) => `${row.document}|${row.start}|${row.coder}|${row.code}`)).toEqual([
      'Interview 1 — GP|0|Ana Ortiz|Leadership',
      'Interview 1 — GP|20|Ana Ortiz|Trust',
      'Interview 1 — GP|20|Ben Kaur|Leadership',
      'Interview 1 — GP|20|Ben Kaur|Time pressure',
      'Interview 1 — GP|20|Consensus|Leadership',
      'Interview 2|0|Ana Ortiz|Leadership',
    ]);
    // Reordering the input does not change the file.
    const reversed = { ...project, codings: [...project.codings].reverse() };
    expect(codingsCsv(reversed)).toBe(codingsCsv(project));
  });

  it('gives a coding that starts on a turn break the speaker of the next turn, whose words it codes first', () => {
    const project = studyProject();
    const mostly = span(interviewOne, 'Mostly');
    project.codings = [{ ...project.codings[0], start: mostly.start - 1, end: mostly.end }];
    expect(readRows(codingsCsv(project))[0]).toMatchObject({ speaker: 'GP', timestamp: '00:00:12', text: '\nMostly' });
  });

  it('renames an attribute column that shares its name with a fixed column, so R sees distinct names', () => {
    const project = studyProject();
    project.sources[1].attributes = { Speaker: 'Manager on record' };
    const header = codingsCsv(project).split('\r\n')[0];
    expect(header).toBe('document,Speaker (attribute),role,site,speaker,timestamp,layer,coder,code,code path,start,end,text,memo,created');
  });

  it('neutralises every text cell starting with =, +, -, @, tab or CR, and reads every memo back exactly otherwise', () => {
    const project = tinyProject();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (memo) => {
        project.codings[1].memo = memo;
        const parsed = readRows(codingsCsv(project)).find((row) => row.code === 'Agree');
        const expected = /^[=+\-@\t\r]/.test(memo) ? `'${memo}` : memo;
        expect(parsed?.memo).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a coding whose code is not in the codebook, naming its path', () => {
    const project = studyProject();
    project.codings[2].codeId = 'c-gone';
    expect(refusalOf(() => codingsCsv(project), 'unknown_code')).toBe('codings[2].codeId: no code has the id "c-gone"');
  });
});

describe('codebook CSV', () => {
  it('writes one row per code in tree order with path, parent id and archived flag', () => {
    expect(codebookCsv(studyProject())).toBe(
      [
        'id,name,path,parent,colour,definition,inclusion,exclusion,example,archived',
        'c-lead,Leadership,Leadership,,#e11d48,How people lead.,,Formal titles only,,false',
        'c-trust,Trust,Leadership > Trust,c-lead,#2563eb,Leading by trust.,,,Mostly by trust,false',
        'c-old,Old idea,Leadership > Trust > Old idea,c-trust,#777777,,,,,true',
        `c-time,Time pressure,Time pressure,,#16a34a,Talk about lack of time.,"Deadlines, ""too busy""",,'=short staffed,false`,
        '',
      ].join('\r\n'),
    );
  });

  it('refuses a codebook whose parents form a cycle', () => {
    const project = studyProject();
    project.codes[1].parentId = 'c-old';
    expect(refusalOf(() => codebookCsv(project), 'code_cycle')).toMatch(/^codes\[\d\]\.parentId: code ".+" is its own ancestor$/);
  });
});

const rscript = (() => {
  try {
    return execFileSync('which', ['Rscript'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();
if (!rscript) console.warn('NOTICE: Rscript not found; the read.csv test of the coded segments CSV is skipped.');

describe.skipIf(!rscript)("R's read.csv", () => {
  it('reads the coded segments CSV: one row per coding, numeric offsets, a memo with quote, comma and newline intact', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'cocode-csv-'));
    try {
      const file = path.join(folder, 'codings.csv');
      writeFileSync(file, codingsCsv(studyProject()));
      const script = [
        'rows <- read.csv(commandArgs(TRUE)[1], encoding = "UTF-8", check.names = FALSE, stringsAsFactors = FALSE)',
        'cat(nrow(rows), is.numeric(rows$start), is.numeric(rows$end), rows$memo[rows$code == "Trust"], sep = "\\n")',
      ].join('\n');
      const output = execFileSync('Rscript', ['-e', script, file], { encoding: 'utf8' });
      expect(output).toBe(`5\nTRUE\nTRUE\n${quotedMemo}\n`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
