/**
 * Helpers for the REFI-QDA tests: a sample project in the neutral model, zips built in the test with
 * fflate (so every hostile or foreign archive is visible in code), and xmllint schema validation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, type Zippable, zipSync } from 'fflate';
import { type ExchangeCoding, type ExchangeProject, sourceText } from '../../../server/exchange/model';
import { sharedReferenceDir } from '../../helpers/sharedFixtures';

export const projectSchema = path.join(sharedReferenceDir, 'refi-qda', 'Project-mrt2019.xsd');
export const codebookSchema = path.join(sharedReferenceDir, 'refi-qda', 'Codebook.xsd');

function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const missing = [!hasXmllint() && 'xmllint (Debian package libxml2-utils)', !existsSync(projectSchema) && `the schemas in ${path.dirname(projectSchema)}`].filter(Boolean);
/** Under CI everything is installed, so a missing validator fails instead of skipping. */
export const schemaValidationAvailable = missing.length === 0 || process.env.CI === 'true';
if (missing.length > 0) {
  const notice = `NOTICE: ${missing.join(' and ')} not found; REFI-QDA schema validation tests are ${process.env.CI === 'true' ? 'FAILING (CI=true)' : 'skipped'}.`;
  console.warn(notice);
}

/** xmllint's verdict on one XML text: null when it validates, otherwise its error output. */
export function schemaErrors(xml: string, schema: string): string | null {
  const folder = mkdtempSync(path.join(tmpdir(), 'cocode-refi-'));
  try {
    const file = path.join(folder, 'document.xml');
    writeFileSync(file, xml);
    execFileSync('xmllint', ['--noout', '--schema', schema, file], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export function zip(files: Record<string, string | Uint8Array>): Uint8Array {
  const entries: Zippable = {};
  for (const [name, content] of Object.entries(files)) entries[name] = typeof content === 'string' ? strToU8(content) : content;
  return zipSync(entries);
}

/** Two coders, a consensus layer, a nested codebook, astral characters, memos and attributes. */
export function sampleProject(): ExchangeProject {
  const project: ExchangeProject = {
    name: 'Clinical leadership & commissioning',
    blind: true,
    users: [
      { id: 'u-ana', name: 'Ana Ruiz' },
      { id: 'u-ben', name: 'Ben Okafor' },
      { id: 'u-lead', name: 'Lead <owner>' },
    ],
    codes: [
      { id: 'c-lead', name: 'Leadership', parentId: null, order: 0, color: '#1f77b4', definition: 'Talk about leading.', inclusion: 'Explicit mentions.\nAlso: implied ones', exclusion: '', example: 'Example: "we led"', archived: false },
      { id: 'c-change', name: 'Leading change', parentId: 'c-lead', order: 0, color: '#ff7f0e', definition: 'Change driven by clinicians.', inclusion: '', exclusion: 'Change imposed by managers.', example: '', archived: false },
      { id: 'c-barrier', name: 'Barriers', parentId: 'c-lead', order: 1, color: '#2ca02c', definition: '', inclusion: '', exclusion: '', example: '', archived: false },
      { id: 'c-old', name: 'Old code', parentId: null, order: 1, color: '#d62728', definition: 'No longer used.', inclusion: '', exclusion: '', example: '', archived: true },
    ],
    sources: [
      {
        id: 's-1',
        title: 'Interview 1 (GP)',
        turns: [
          { speaker: 'Interviewer', timestamp: '00:00:05', text: 'How did the change start? 🙂' },
          { speaker: 'P1', timestamp: null, text: 'We 👩‍⚕️ clinicians led it — slowly, café by café.' },
          { speaker: '', timestamp: null, text: 'Then the budget 💷 froze.' },
        ],
        attributes: { role: 'GP', site: 'North' },
      },
      { id: 's-2', title: 'Interview 2', turns: [{ speaker: 'P2', timestamp: null, text: 'Nothing changed here.' }], attributes: {} },
    ],
    codings: [],
  };
  const text = (sourceId: string) => sourceText(project.sources.find((source) => source.id === sourceId) ?? project.sources[0]);
  const coding = (id: string, sourceId: string, phrase: string, codeId: string, layer: ExchangeCoding['layer'], createdBy: string, memo = ''): ExchangeCoding => {
    const start = text(sourceId).indexOf(phrase);
    if (start < 0) throw new Error(`phrase "${phrase}" not in ${sourceId}`);
    return { id, sourceId, layer, codeId, start, end: start + phrase.length, memo, createdAt: '2024-03-01T10:00:00.000Z', createdBy };
  };
  const ana = { kind: 'coder', userId: 'u-ana' } as const;
  const ben = { kind: 'coder', userId: 'u-ben' } as const;
  project.codings = [
    coding('k1', 's-1', 'We 👩‍⚕️ clinicians led it', 'c-change', ana, 'u-ana', 'Clear ownership.\nSecond line & <tags>'),
    coding('k2', 's-1', 'We 👩‍⚕️ clinicians led it', 'c-lead', ana, 'u-ana'),
    coding('k3', 's-1', 'clinicians led it — slowly, café by café.\nThen the budget 💷 froze', 'c-change', ben, 'u-ben'),
    coding('k4', 's-1', 'budget 💷 froze', 'c-barrier', { kind: 'consensus' }, 'u-lead', 'agreed in meeting'),
    coding('k5', 's-1', 'How did the change start? 🙂', 'c-old', ben, 'u-ben'),
    coding('k6', 's-2', 'Nothing changed', 'c-barrier', ana, 'u-ana'),
  ];
  return project;
}
