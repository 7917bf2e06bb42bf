/**
 * The byte scanner for reliability-data JSON (shared/agreement/reliabilityScanner.ts, reached through
 * scanAgreementFile) against the exact reader: JSON.parse + parseAgreementInput + encodeMatrix. On
 * any input the scanner either gives the same encoded matrix, level and coder names, or declines
 * (null) so that the exact reader runs; it declines nothing of the common shape, and everything the
 * exact reader refuses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCodedAgreement, computeEncodedAgreement } from '../../shared/agreement/coded';
import { encodeMatrix } from '../../shared/agreement/coded/encode';
import { AgreementInputError, type ParseOptions, parseAgreementInput, scanAgreementFile } from '../../shared/agreement/input';
import { agreementFixtureDir, agreementFixturesAvailable, listAgreementFixtures } from '../helpers/sharedFixtures';

const utf8 = new TextEncoder();
const LEVELS = ['nominal', 'ordinal', 'interval', 'ratio'] as const;

/** What the exact reader makes of the bytes, decoded as the command decodes them. */
function exactReading(bytes: Uint8Array, options: ParseOptions) {
  try {
    const input = parseAgreementInput(Buffer.from(bytes).toString('utf8'), options);
    if (input.kind !== 'coded') return { outcome: input.kind };
    return { outcome: 'coded', level: input.level, coderNames: input.coderNames, encoded: encodeMatrix(input.data) };
  } catch (error) {
    if (error instanceof AgreementInputError) return { outcome: 'refused', message: error.message };
    throw error;
  }
}

/** Scanner and exact reader agree: the scanner's result is the exact reader's, or the scanner declined. */
function expectAgreement(bytes: Uint8Array, options: ParseOptions = {}): 'scanned' | 'declined' {
  const scanned = scanAgreementFile(bytes, options);
  const exact = exactReading(bytes, options);
  if (scanned === null) return 'declined';
  const { codes, ...rest } = scanned.encoded;
  expect(exact.outcome).toBe('coded');
  const { codes: exactCodes, ...exactRest } = exact.encoded as typeof scanned.encoded;
  expect({ level: exact.level, coderNames: exact.coderNames, encoded: exactRest }).toEqual({ level: scanned.level, coderNames: scanned.coderNames, encoded: rest });
  // Compared as bytes: element by element, a million codes take the matcher seconds.
  expect(Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength).equals(Buffer.from(exactCodes.buffer, exactCodes.byteOffset, exactCodes.byteLength))).toBe(true);
  expect(codes.length).toBe(exactCodes.length);
  return 'scanned';
}

const spacing = fc.constantFrom('', '', ' ', '\n', '\n  ', '\t', '\r\n');

/** A number cell in one of the spellings JSON allows for it. */
const numberToken = fc
  .oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(0, -0, 0.5, 2.25, 1000, 1e-7, 1.2345678901234567e19))
  .chain((value) => {
    const spellings = [JSON.stringify(value), value.toExponential(), value.toExponential().toUpperCase()];
    if (Number.isInteger(value) && Math.abs(value) < 1e15) spellings.push(`${Object.is(value, -0) ? '-0' : value}.0`, `${value}e0`);
    if (Object.is(value, -0)) spellings.push('-0');
    return fc.constantFrom(...spellings);
  });

/** A label cell: plain, with escapes, non-ASCII, blank (refused by the reader) or looking like a number. */
const labelToken = fc
  .oneof(fc.constantFrom('a', 'b', 'yes', 'no', '1', '2', 'x y', 'é', 'Ü🙂', ' ', '', 'tab\there', 'quote"d', 'back\\slash'), fc.string({ maxLength: 3 }))
  .chain((label) =>
    fc.constantFrom(
      JSON.stringify(label),
      // Every character as a \u escape: the same label in other bytes.
      `"${[...label].map((char) => [...char].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')).join('')}"`,
    ),
  );

/** Mostly cells the reader takes, now and then one it refuses (true, an object, a nested row). */
const cellToken = fc.oneof(
  { weight: 4, arbitrary: fc.constant('null') },
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 6 }).map(String) },
  { weight: 3, arbitrary: numberToken },
  { weight: 3, arbitrary: labelToken },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', '{}', '[1]', '"\\x"', '01', '+1', '.5', '1.', 'NaN', '1e999') },
);

/** A document of reliability data with varied spacing, key order, levels and extra keys. */
const documentArbitrary = fc
  .record({
    units: fc.integer({ min: 1, max: 12 }),
    coders: fc.integer({ min: 1, max: 5 }),
    raggedRow: fc.option(fc.nat(11), { freq: 8 }),
    level: fc.option(fc.constantFrom('"nominal"', '"ordinal"', '"interval"', '"ratio"', '"nominl"', '3', 'null', '"n\\u006fminal"'), { freq: 2 }),
    extra: fc.option(fc.constantFrom('"name": "x"', '"expected": {"alpha": [1, {"b": "]"}]}', '"continuum": {"begin": 0, "end": 1}', '"data": [[1]]', '"level": "ordinal"'), {
      freq: 3,
    }),
    extraFirst: fc.boolean(),
    spaces: fc.array(spacing, { minLength: 8, maxLength: 8 }),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      rows: fc.array(fc.array(cellToken, { minLength: shape.coders, maxLength: shape.coders }), { minLength: shape.units, maxLength: shape.units }),
    }),
  )
  .map(({ shape, rows }) => {
    const [a, b, c, d, e, f, g, h] = shape.spaces;
    const rowTexts = rows.map((cells, index) => `[${c}${(index === shape.raggedRow ? cells.slice(1) : cells).join(`${d},${e}`)}${c}]`);
    const members = [`"data"${a}:${b}[${f}${rowTexts.join(`,${g}`)}${f}]`];
    if (shape.level !== null) members.unshift(`"level":${b}${shape.level}`);
    if (shape.extra !== null) (shape.extraFirst ? members.unshift : members.push).call(members, shape.extra);
    return `${h}{${a}${members.join(`,${g}`)}${a}}${h}`;
  });

const levelOverride = fc.option(fc.constantFrom(...LEVELS), { freq: 3 });

describe('the reliability scanner', () => {
  it('gives exactly the encoded matrix of JSON.parse + parseAgreementInput + encodeMatrix, or declines', () => {
    const seen = { scanned: 0, declined: 0 };
    fc.assert(
      fc.property(documentArbitrary, levelOverride, (text, level) => {
        seen[expectAgreement(utf8.encode(text), { fileName: 'data.json', level: level ?? undefined })]++;
      }),
      { numRuns: 1500 },
    );
    // Both outcomes were exercised, so the comparison above compared something.
    expect(seen.scanned).toBeGreaterThan(100);
    expect(seen.declined).toBeGreaterThan(100);
  });

  it('declines whatever the exact reader refuses', () => {
    fc.assert(
      fc.property(documentArbitrary, levelOverride, (text, level) => {
        const options = { fileName: 'data.json', level: level ?? undefined };
        if (exactReading(utf8.encode(text), options).outcome !== 'coded') expect(scanAgreementFile(utf8.encode(text), options)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('takes every well-formed matrix of numbers, labels and nulls, however it is spaced', () => {
    const plainCell = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 20 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('a', 'b', 'ja', 'nein', 'é'));
    fc.assert(
      fc.property(
        fc.array(fc.array(plainCell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }),
        fc.option(fc.integer({ min: 1, max: 4 })),
        (rows, indent) => {
          fc.pre(rows.some((row) => row.some((cell) => cell !== null)));
          const text = JSON.stringify({ level: 'nominal', data: rows }, null, indent ?? undefined);
          expect(expectAgreement(utf8.encode(text))).toBe('scanned');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the exact reader on damaged files: bytes replaced, inserted, removed or cut off', () => {
    const interesting = fc.constantFrom(...[...',[]{}":\\-+.eE0n ', '\u00e9'].map((char) => char.charCodeAt(0)), 0x00, 0x0b, 0xc3, 0xe2, 0xff);
    const damage = fc.record({ kind: fc.constantFrom('replace', 'insert', 'remove', 'cut'), at: fc.nat(), byte: interesting });
    fc.assert(
      fc.property(documentArbitrary, fc.array(damage, { minLength: 1, maxLength: 3 }), (text, damages) => {
        let bytes = utf8.encode(text);
        for (const { kind, at, byte } of damages) {
          const index = at % (bytes.length + 1);
          if (kind === 'replace' && index < bytes.length) bytes[index] = byte;
          if (kind === 'insert') bytes = Uint8Array.from([...bytes.subarray(0, index), byte, ...bytes.subarray(index)]);
          if (kind === 'remove') bytes = Uint8Array.from([...bytes.subarray(0, index), ...bytes.subarray(index + 1)]);
          if (kind === 'cut') bytes = bytes.slice(0, index);
        }
        expectAgreement(bytes, { fileName: 'data.json' });
      }),
      { numRuns: 1500 },
    );
  });

  it.each([
    ['malformed JSON', '{"data": [[1, 2]'],
    ['a byte-order mark (JSON.parse refuses it)', '\ufeff{"data": [[1, 2]]}'],
    ['not an object', '[[1, 2]]'],
    ['unknown level', '{"level": "nominl", "data": [[1]]}'],
    ['missing data', '{"level": "nominal"}'],
    ['empty data', '{"data": []}'],
    ['empty rows', '{"data": [[], []]}'],
    ['ragged rows', '{"data": [[1, 2, 3], [1, 2]]}'],
    ['a longer row', '{"data": [[1, 2], [1, 2, 3]]}'],
    ['row not an array', '{"data": [[1, 2], 7]}'],
    ['boolean cell', '{"data": [[1, 2], [true, 2]]}'],
    ['blank label', '{"data": [[1, " "]]}'],
    ['blank label after a backslash escape', '{"data": [[1, "\\u0020\\t"]]}'],
    ['label in interval data', '{"level": "interval", "data": [[1, 2], [3, "high"]]}'],
    ['negative ratio value', '{"level": "ratio", "data": [[1, 2], [3, -4]]}'],
    ['no value at all', '{"data": [[null, null], [null, null]]}'],
    ['an overflowing number', '{"data": [[1, 1e400]]}'],
    ['a leading zero', '{"data": [[1, 01]]}'],
    ['a trailing comma', '{"data": [[1, 2],]}'],
    ['invalid UTF-8 in a label', Uint8Array.from([...utf8.encode('{"data": [[1, "a'), 0xff, ...utf8.encode('"]]}')])],
    ['unitized data', '{"continuum": {"begin": 0, "end": 10}, "data": [{"coder": "A", "start": 1, "end": 4, "code": "x"}]}'],
    ['"data" given twice', '{"data": [[1, 2]], "data": [[3, 4]]}'],
    ['text after the object', '{"data": [[1, 2]]} x'],
    ['CSV', 'a,b\n1,2\n'],
  ])('declines %s', (_, content) => {
    const bytes = typeof content === 'string' ? utf8.encode(content) : content;
    expect(scanAgreementFile(bytes, { fileName: 'codes.json' })).toBeNull();
  });

  it('reads one label however it is escaped, and one number however it is spelled, as one category', () => {
    const scanned = scanAgreementFile(utf8.encode('{"data": [["a", "\\u0061"], [1, 1.0], [10E-1, "b"], [-0, 0]]}'));
    expect(scanned?.encoded.categories).toEqual(['0', '1', 'a', 'b']);
    expect(Array.from(scanned?.encoded.codes ?? [])).toEqual([2, 2, 1, 1, 1, 3, 0, 0]);
    expect(expectAgreement(utf8.encode('{"data": [[1, 1.0], [10E-1, 2], [-0, 0]], "level": "interval"}'))).toBe('scanned');
  });

  it('grows past its first reservation: a million and more cells, many coders, many distinct labels', () => {
    const many = { data: Array.from({ length: 230_000 }, (_, unit) => [unit % 9, (unit * 7) % 9, null, unit % 3, 1]) };
    expect(expectAgreement(utf8.encode(JSON.stringify(many)))).toBe('scanned');
    const wide = { data: Array.from({ length: 30 }, (_, unit) => Array.from({ length: 20 }, (_, coder) => (coder === 13 ? null : `label ${(unit * coder) % 500}`))) };
    const scannedWide = scanAgreementFile(utf8.encode(JSON.stringify(wide)));
    expect(scannedWide?.encoded.emptyCoderColumns).toEqual([13]);
    expect(scannedWide?.coderNames).toHaveLength(20);
    expect(expectAgreement(utf8.encode(JSON.stringify(wide)))).toBe('scanned');
  });

  it('gives the same statistics as the matrix in memory', () => {
    const data = Array.from({ length: 200 }, (_, unit) => [unit % 5, unit % 7 === 0 ? null : unit % 5, (unit * 3) % 5, unit % 11 === 0 ? 4 : unit % 5]);
    const scanned = scanAgreementFile(utf8.encode(JSON.stringify({ level: 'interval', data })));
    expect(scanned).not.toBeNull();
    const options = { level: 'interval' as const, bootstrap: { draws: 50, seed: 3 } };
    expect(computeEncodedAgreement(scanned?.encoded ?? encodeMatrix([]), options)).toEqual(computeCodedAgreement(data, options));
  });

  it.skipIf(!agreementFixturesAvailable)('agrees with the exact reader on every reference fixture', () => {
    const coded = listAgreementFixtures().filter((name) => !name.startsWith('unitized'));
    expect(coded.length).toBeGreaterThan(0);
    let scanned = 0;
    for (const name of coded) {
      if (expectAgreement(readFileSync(path.join(agreementFixtureDir, name)), { fileName: name }) === 'scanned') scanned++;
    }
    // The fixtures carry extra keys ("name", "source", "expected"): the scanner still takes them.
    expect(scanned).toBe(coded.length);
  });
});
