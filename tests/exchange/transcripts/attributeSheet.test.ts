import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import { matchAttributes, readAttributeSheet } from '../../../server/exchange/transcripts/attributeSheet';
import { expectRefusal, utf8, utf8WithBom, utf16le } from './encodings';

const sheetText = 'document title,role,site,years in post\r\nP1 interview,GP,North,12\r\n"Nurse lead, South",Nurse,South,\r\n\r\n,,,\r\nP3,"Practice ""manager""",North,3\r\n';

describe('readAttributeSheet', () => {
  for (const [name, encode] of Object.entries({ 'UTF-8': utf8, 'UTF-8 with BOM': utf8WithBom, 'UTF-16 LE': utf16le })) {
    it(`${name}: the first column is the title, the others attributes; empty cells and empty rows are left out`, () => {
      const sheet = readAttributeSheet(encode(sheetText));
      expect(sheet.titleColumn).toBe('document title');
      expect(sheet.attributeNames).toEqual(['role', 'site', 'years in post']);
      expect(sheet.rows).toEqual([
        { title: 'P1 interview', attributes: { role: 'GP', site: 'North', 'years in post': '12' }, row: 2 },
        { title: 'Nurse lead, South', attributes: { role: 'Nurse', site: 'South' }, row: 3 },
        { title: 'P3', attributes: { role: 'Practice "manager"', site: 'North', 'years in post': '3' }, row: 6 },
      ]);
    });
  }

  it('reads semicolon- and tab-separated sheets (spreadsheets in other locales)', () => {
    expect(readAttributeSheet(utf8('Transcript;age band\nP1;30–39\n')).rows).toEqual([{ title: 'P1', attributes: { 'age band': '30–39' }, row: 2 }]);
    expect(readAttributeSheet(utf8('Transcript\tage band\nP1\t40–49\n')).rows[0].attributes).toEqual({ 'age band': '40–49' });
  });

  it('refuses ragged rows naming the row and column', async () => {
    await expectRefusal(() => readAttributeSheet(utf8('title,role,site\nP1,GP,North,extra\n')), 'invalid_attribute_sheet', "row 2, column 4: a cell beyond the header's 3 columns");
    await expectRefusal(() => readAttributeSheet(utf8('title,role,site\nP1,GP,North\nP2,GP\n')), 'invalid_attribute_sheet', 'row 3, column 3 ("site"): missing; the header has 3 columns');
  });

  it('refuses empty and duplicate titles naming both rows', async () => {
    await expectRefusal(() => readAttributeSheet(utf8('title,role\n ,GP\n')), 'invalid_attribute_sheet', 'row 2, column 1 ("title"): the document title is empty');
    await expectRefusal(
      () => readAttributeSheet(utf8('title,role\nP1 Interview,GP\nP2,Nurse\np1   interview,GP\n')),
      'invalid_attribute_sheet',
      'row 4, column 1 ("title"): "p1 interview" is also on row 2',
    );
  });

  it('refuses a header without attributes, with empty or duplicate column names', async () => {
    await expectRefusal(() => readAttributeSheet(utf8('title\nP1\n')), 'invalid_attribute_sheet', /row 1: the header has no attribute columns/);
    await expectRefusal(() => readAttributeSheet(utf8('title,,site\nP1,a,b\n')), 'invalid_attribute_sheet', 'row 1, column 2: the header cell is empty');
    await expectRefusal(() => readAttributeSheet(utf8('title,Site,site\nP1,a,b\n')), 'invalid_attribute_sheet', 'row 1, column 3: "site" is also column 2');
  });

  it('refuses broken CSV, an empty sheet, and sheets over the limits', async () => {
    await expectRefusal(() => readAttributeSheet(utf8('title,role\n"P1,GP\n')), 'invalid_attribute_sheet', /not valid CSV: .*[Qq]uote/);
    await expectRefusal(() => readAttributeSheet(utf8('\n,,\n')), 'empty_attribute_sheet', 'the attribute sheet is empty');
    await expectRefusal(() => readAttributeSheet(utf8('title,role\nP1,GP\n'), { ...defaultLimits, attributeSheetMaxBytes: 5 }), 'file_too_large');
    await expectRefusal(() => readAttributeSheet(utf8('title,role\nP1,GP\nP2,GP\n'), { ...defaultLimits, attributeSheetRowsMax: 1 }), 'too_many_rows', /2 rows; at most 1/);
    await expectRefusal(() => readAttributeSheet(utf8('title,role\nP1,GPPPPPPPPPP\n'), { ...defaultLimits, nameMaxChars: 10 }), 'invalid_attribute_sheet', 'row 2, column 2 ("role"): a value has at most 10 characters');
    await expectRefusal(() => readAttributeSheet(new Uint8Array([0x74, 0x2c, 0x80])), 'not_decodable', /at byte 2/);
  });
});

describe('matchAttributes', () => {
  it('matches titles ignoring case, spacing, composition and a transcript extension; reports both kinds of leftovers', () => {
    const sheet = readAttributeSheet(utf8('title,site\nP1 interview,North\nJosé,South\nP9,East\n'));
    const match = matchAttributes(sheet, ['p1  INTERVIEW.docx', 'Jose\u0301', 'P2']);
    expect(match.matched).toEqual([
      { title: 'p1  INTERVIEW.docx', attributes: { site: 'North' }, row: 2 },
      { title: 'Jose\u0301', attributes: { site: 'South' }, row: 3 },
    ]);
    expect(match.unmatchedTitles).toEqual(['P2']);
    expect(match.unmatchedRows).toEqual([{ title: 'P9', row: 4 }]);
  });

  it('gives each matching document its own copy of the attributes', () => {
    const sheet = readAttributeSheet(utf8('title,site\nP1,North\n'));
    const [first] = matchAttributes(sheet, ['P1']).matched;
    first.attributes.site = 'changed';
    expect(sheet.rows[0].attributes.site).toBe('North');
  });
});
