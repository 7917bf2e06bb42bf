import { describe, expect, it } from 'vitest';
import { AgreementInputError, parseAgreementCsv, parseAgreementInput, parseAgreementJson } from '../../shared/agreement/input';

const file = 'codes.json';

function errorOf(run: () => unknown): AgreementInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AgreementInputError);
    return error as AgreementInputError;
  }
  throw new Error('expected an AgreementInputError');
}

describe('reliability-data JSON', () => {
  it('reads the fixture format and ignores other keys', () => {
    const parsed = parseAgreementJson('{"name": "x", "level": "ordinal", "data": [[1, null, 3], [2, 2, null]], "expected": {}}', { fileName: file });
    expect(parsed).toEqual({
      kind: 'coded',
      level: 'ordinal',
      data: [
        [1, null, 3],
        [2, 2, null],
      ],
      coderNames: ['coder 1', 'coder 2', 'coder 3'],
    });
  });

  it('lets an explicit level override the file', () => {
    const parsed = parseAgreementJson('{"level": "ordinal", "data": [[1, 2]]}', { level: 'interval' });
    expect(parsed.kind === 'coded' && parsed.level).toBe('interval');
  });

  it.each([
    ['malformed JSON', '{"data": [[1, 2]', /^codes\.json: malformed JSON: /],
    ['not an object', '[[1, 2]]', /^codes\.json: expected a JSON object with a "data" key$/],
    ['unknown level', '{"level": "nominl", "data": [[1]]}', /^codes\.json: field "level": unknown level "nominl"; expected one of nominal, ordinal, interval, ratio$/],
    ['missing data', '{"level": "nominal"}', /^codes\.json: field "data": "data" must be an array of rows \(one per unit\)$/],
    ['empty data', '{"data": []}', /^codes\.json: field "data": "data" is empty: there are no units$/],
    ['ragged rows', '{"data": [[1, 2, 3], [1, 2, 3], [1, 2]]}', /^codes\.json: row 3: ragged data: this row has 2 value\(s\) but row 1 has 3$/],
    ['row not an array', '{"data": [[1, 2], 7]}', /^codes\.json: row 2: expected an array of values \(one per coder\)$/],
    ['boolean cell', '{"data": [[1, 2], [true, 2]]}', /^codes\.json: row 2, column 1: value true is not a number, a label or null/],
    ['empty label', '{"data": [[1, " "]]}', /^codes\.json: row 1, column 2: value " " is not a number/],
    ['label in interval data', '{"level": "interval", "data": [[1, 2], [3, "high"]]}', /^codes\.json: row 2, column 2: non-numeric value "high" in interval data$/],
    ['negative ratio value', '{"level": "ratio", "data": [[1, 2], [3, -4]]}', /^codes\.json: row 2, column 2: negative value -4 in ratio data/],
    ['no value at all', '{"data": [[null, null], [null, null]]}', /^codes\.json: the data contain no value at all \(every cell is missing\)$/],
  ])('%s', (_, text, message) => {
    const error = errorOf(() => parseAgreementJson(text, { fileName: file }));
    expect(error.message).toMatch(message);
  });

  it('exposes the location of the problem', () => {
    const error = errorOf(() => parseAgreementJson('{"level": "interval", "data": [[1, 2], [3, "x"]]}', { fileName: file }));
    expect(error.location).toEqual({ file, row: 2, column: 2 });
  });
});

describe('unitized JSON', () => {
  const segment = (fields: Record<string, unknown>) => JSON.stringify({ coder: 'A', start: 1, end: 4, code: 'x', ...fields });
  const unitized = (segments: string[], continuum = '{"begin": 0, "end": 10}') => `{"continuum": ${continuum}, "data": [${segments.join(',')}]}`;

  it('parses and validates segments into the unitized input type', () => {
    const parsed = parseAgreementJson(unitized([segment({}), segment({ coder: 'B', start: 2, end: 5 })]), { fileName: 'u.json' });
    expect(parsed).toEqual({
      kind: 'unitized',
      input: {
        continuum: { begin: 0, end: 10 },
        data: [
          { coder: 'A', start: 1, end: 4, code: 'x' },
          { coder: 'B', start: 2, end: 5, code: 'x' },
        ],
      },
    });
  });

  it.each([
    ['continuum without end', unitized([segment({})], '{"begin": 0}'), /^u\.json: field "continuum\.end": continuum "end" must be a number$/],
    ['reversed continuum', unitized([segment({})], '{"begin": 5, "end": 5}'), /^u\.json: field "continuum": continuum end \(5\) must be greater than begin \(5\)$/],
    ['no segments', unitized([]), /^u\.json: field "data": "data" is empty: there are no segments$/],
    ['missing coder', unitized([segment({}), segment({ coder: '' })]), /^u\.json: row 2, field "coder": "coder" must be a non-empty string, got ""$/],
    ['numeric code', unitized([segment({ code: 3 })]), /^u\.json: row 1, field "code": "code" must be a non-empty string, got 3$/],
    ['start not a number', unitized([segment({ start: '1' })]), /^u\.json: row 1, field "start": "start" must be a number, got "1"$/],
    ['end before start', unitized([segment({ start: 6, end: 3 })]), /^u\.json: row 1, field "end": segment end \(3\) must be greater than start \(6\)$/],
    ['outside the continuum', unitized([segment({ end: 12 })]), /^u\.json: row 1, field "start": segment \[1, 12\) lies outside the continuum \[0, 10\)$/],
  ])('%s', (_, text, message) => {
    expect(errorOf(() => parseAgreementJson(text, { fileName: 'u.json' })).message).toMatch(message);
  });
});

describe('CSV', () => {
  it('reads a wide matrix with a header of coder names and an optional unit column', () => {
    const parsed = parseAgreementCsv('unit,Ana,Ben\r\np1,1,2\np2,,3\n"p,3",NA,1\n', { fileName: 'w.csv' });
    expect(parsed).toEqual({
      kind: 'coded',
      level: 'nominal',
      data: [
        [1, 2],
        [null, 3],
        [null, 1],
      ],
      coderNames: ['Ana', 'Ben'],
      unitNames: ['p1', 'p2', 'p,3'],
    });
  });

  it('keeps labels as labels when any value is not a number', () => {
    const parsed = parseAgreementCsv('Ana,Ben\nyes,no\n"say ""no""",1\n');
    expect(parsed.data).toEqual([
      ['yes', 'no'],
      ['say "no"', '1'],
    ]);
  });

  it('uses --unit to pick the unit column', () => {
    const parsed = parseAgreementCsv('Ana,passage,Ben\n1,a,2\n', { unitColumn: 'passage' });
    expect(parsed.coderNames).toEqual(['Ana', 'Ben']);
    expect(parsed.unitNames).toEqual(['a']);
  });

  it('reads long unit,coder,value rows (detected by the header)', () => {
    const parsed = parseAgreementCsv('Unit,Coder,Value\nu1,Ana,2\nu1,Ben,2\nu2,Ben,3\nu2,Cleo,1\n', { level: 'ordinal' });
    expect(parsed).toEqual({
      kind: 'coded',
      level: 'ordinal',
      data: [
        [2, 2, null],
        [null, 3, 1],
      ],
      coderNames: ['Ana', 'Ben', 'Cleo'],
      unitNames: ['u1', 'u2'],
    });
  });

  it('is chosen for non-JSON text by parseAgreementInput', () => {
    expect(parseAgreementInput('a,b\n1,1\n', { fileName: 'x.csv' }).kind).toBe('coded');
  });

  it.each([
    ['empty file', '', {}, /^d\.csv: the CSV file is empty$/],
    ['header only', 'Ana,Ben\n', {}, /^d\.csv: row 1: the CSV file has a header but no data rows$/],
    ['ragged row', 'Ana,Ben\n1,2\n1,2,3\n', {}, /^d\.csv: row 3: ragged CSV: this row has 3 field\(s\) but the header has 2$/],
    ['unclosed quote', 'Ana,Ben\n1,"2\n', {}, /^d\.csv: row 2: malformed CSV: a quoted field is never closed$/],
    ['quote inside a field', 'Ana,Ben\n1,2"x"\n', {}, /^d\.csv: row 2, column 2: malformed CSV: a quote inside an unquoted field$/],
    ['duplicate coder', 'Ana,Ben,Ana\n1,2,3\n', {}, /^d\.csv: row 1, column 3: coder "Ana" appears twice in the header \(also column 1\)$/],
    ['label in interval data', 'Ana,Ben\n1,2\n3,high\n', { level: 'interval' }, /^d\.csv: row 3, column 2 \("Ben"\): non-numeric value "high" in interval data$/],
    ['unknown unit column', 'Ana,Ben\n1,2\n', { unitColumn: 'id' }, /^d\.csv: row 1: no column named "id"/],
    ['long: duplicate rating', 'unit,coder,value\nu1,Ana,1\nu1,Ben,2\nu1,Ana,2\n', {}, /^d\.csv: row 4, column 3 \("value"\): coder "Ana" already gave unit "u1" a value on line 2$/],
    ['long: empty unit', 'unit,coder,value\n,Ana,1\n', {}, /^d\.csv: row 2, column 1 \("unit"\): empty unit identifier$/],
    ['long: label in ratio data', 'unit,coder,value\nu1,Ana,1\nu1,Ben,lots\n', { level: 'ratio' }, /^d\.csv: row 3, column 3 \("value"\): non-numeric value "lots" in ratio data$/],
  ] as const)('%s', (_, text, options, message) => {
    expect(errorOf(() => parseAgreementCsv(text, { fileName: 'd.csv', ...options })).message).toMatch(message);
  });
});
