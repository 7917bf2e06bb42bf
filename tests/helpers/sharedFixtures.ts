import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The reference material lives beside the repository (`../shared`); COCODE_SHARED_DIR overrides it. */
export const sharedReferenceDir = process.env.COCODE_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');

export const agreementFixtureDir = path.join(sharedReferenceDir, 'fixtures', 'agreement');

export const agreementFixturesAvailable = existsSync(agreementFixtureDir);

if (!agreementFixturesAvailable) {
  // A visible notice rather than a silent pass: the reference values are not part of this repository.
  console.warn(`NOTICE: reference fixtures not found at ${agreementFixtureDir}; fixture tests are skipped.`);
}

/** Every fixture file name (without directory) in the reference agreement folder. */
export function listAgreementFixtures(): string[] {
  if (!agreementFixturesAvailable) return [];
  return readdirSync(agreementFixtureDir)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readAgreementFixture<T = unknown>(fileName: string): T {
  return JSON.parse(readFileSync(path.join(agreementFixtureDir, fileName), 'utf8')) as T;
}
