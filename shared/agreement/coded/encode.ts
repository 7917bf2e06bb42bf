import type { CodedMatrix } from './types';

/** Marks a missing cell in the integer-coded matrix. */
export const MISSING = -1;

/**
 * The reliability data with every value replaced by the index of its category in `categories`
 * (sorted: numerically when every value is a number, otherwise by label). Integer codes let every
 * statistic work on typed arrays instead of hashing values again.
 */
export interface EncodedMatrix {
  unitCount: number;
  coderCount: number;
  /** Row-major, `unitCount * coderCount`, MISSING for a missing cell. */
  codes: Int32Array;
  /** Category labels in code order. */
  categories: (number | string)[];
  /** Numeric value of each category, or null when the labels are not all numbers. */
  numericValues: Float64Array | null;
  /** Column index in the input of each kept coder. */
  keptCoderColumns: number[];
  /** Input columns left out because that coder gave no value at all. */
  emptyCoderColumns: number[];
}

/**
 * The cells of the reliability data coded in order of first appearance of their values, before the
 * categories are sorted: what `encodeMatrix` makes of a matrix in memory, and what the file scanner
 * (../reliabilityScanner.ts) makes of a file's bytes without building the matrix.
 */
export interface ProvisionalCoding {
  unitCount: number;
  columnCount: number;
  /** Row-major, at least `unitCount * columnCount` (only those are read): MISSING or an index into `values`. */
  codes: Int32Array;
  /** The distinct values in order of first appearance, told apart as a Map tells keys apart (SameValueZero). */
  values: (number | string)[];
  /** Whether every value is a number. */
  allNumeric: boolean;
  /** 1 for each column holding at least one value. */
  columnHasValue: Uint8Array;
}

/**
 * Integer-codes the matrix. Coders without a single value are left out: they carry no information,
 * and several coefficients (Conger's per-coder marginals) would otherwise be 0/0.
 */
export function encodeMatrix(matrix: CodedMatrix): EncodedMatrix {
  const unitCount = matrix.length;
  const columnCount = matrix.reduce((widest, row) => Math.max(widest, row.length), 0);

  // One pass: provisional codes in order of first appearance (a Map keyed by the primitive value is
  // far cheaper than building string keys for every cell).
  const provisionalCodeOf = new Map<number | string, number>();
  const values: (number | string)[] = [];
  const codes = new Int32Array(unitCount * columnCount).fill(MISSING);
  const columnHasValue = new Uint8Array(columnCount);
  let allNumeric = true;
  for (let unit = 0; unit < unitCount; unit++) {
    const row = matrix[unit];
    for (let column = 0; column < row.length; column++) {
      const value = row[column];
      if (value === null || value === undefined) continue;
      let code = provisionalCodeOf.get(value);
      if (code === undefined) {
        code = values.length;
        provisionalCodeOf.set(value, code);
        values.push(value);
        if (typeof value !== 'number') allNumeric = false;
      }
      codes[unit * columnCount + column] = code;
      columnHasValue[column] = 1;
    }
  }
  return finishEncoding({ unitCount, columnCount, codes, values, allNumeric, columnHasValue });
}

/**
 * Sorts the categories, recodes every cell to its category's place and leaves out coders without
 * values. Takes over `provisional.codes`: when every coder is kept, they are recoded in place.
 */
export function finishEncoding(provisional: ProvisionalCoding): EncodedMatrix {
  const { unitCount, columnCount, values: provisionalValues, allNumeric, columnHasValue } = provisional;
  const provisionalCodes = provisional.codes;

  // Mixed numbers and labels are compared as labels, so 1 and "1" name the same category.
  const labelOf = (value: number | string): number | string => (allNumeric ? value : String(value));
  const uniqueLabels = new Map<string, number | string>();
  for (const value of provisionalValues) uniqueLabels.set(String(labelOf(value)), labelOf(value));
  const categories = [...uniqueLabels.values()].sort((a, b) =>
    allNumeric ? (a as number) - (b as number) : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  );
  const finalCodeOfLabel = new Map<string, number>();
  categories.forEach((label, code) => {
    finalCodeOfLabel.set(String(label), code);
  });
  const finalCode = Int32Array.from(provisionalValues, (value) => finalCodeOfLabel.get(String(labelOf(value))) as number);

  const keptCoderColumns: number[] = [];
  const emptyCoderColumns: number[] = [];
  for (let column = 0; column < columnCount; column++) {
    (columnHasValue[column] ? keptCoderColumns : emptyCoderColumns).push(column);
  }
  const coderCount = keptCoderColumns.length;
  let codes: Int32Array;
  if (coderCount === columnCount) {
    codes = provisionalCodes.subarray(0, unitCount * columnCount);
    recodeInPlace(codes, finalCode);
  } else {
    codes = new Int32Array(unitCount * coderCount);
    for (let unit = 0; unit < unitCount; unit++) {
      for (let coder = 0; coder < coderCount; coder++) {
        const code = provisionalCodes[unit * columnCount + keptCoderColumns[coder]];
        codes[unit * coderCount + coder] = code === MISSING ? MISSING : finalCode[code];
      }
    }
  }

  return {
    unitCount,
    coderCount,
    codes,
    categories,
    numericValues: allNumeric && categories.length > 0 ? Float64Array.from(categories as number[]) : null,
    keptCoderColumns,
    emptyCoderColumns,
  };
}

/**
 * Every coder kept: the cells recoded in place, in one flat loop of its own. It runs once per file,
 * mostly before the optimizing compiler has compiled it, and a small function is compiled sooner.
 */
function recodeInPlace(codes: Int32Array, finalCode: Int32Array): void {
  const cellCount = codes.length;
  for (let cell = 0; cell < cellCount; cell++) {
    const code = codes[cell];
    if (code !== MISSING) codes[cell] = finalCode[code];
  }
}
