import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type ExchangeProject, sourceText } from '../../../server/exchange/model';
import { readQdc, readQdpx, writeQdc, writeQde, writeQdpx } from '../../../server/exchange/refi/index';
import { codebookSchema, projectSchema, sampleProject, schemaErrors, schemaValidationAvailable } from './fixtures';

/** Everything that must survive, keyed by names (GUIDs replace our ids on the way). */
function comparable(project: ExchangeProject) {
  const userName = (id: string) => project.users.find((user) => user.id === id)?.name ?? `?${id}`;
  const codeName = (id: string | null) => (id === null ? null : (project.codes.find((code) => code.id === id)?.name ?? `?${id}`));
  const sourceTitle = (id: string) => project.sources.find((source) => source.id === id)?.title ?? `?${id}`;
  return {
    name: project.name,
    users: project.users.map((user) => user.name).sort(),
    codes: project.codes
      .map(({ id, parentId, name, order, color, definition, inclusion, exclusion, example, archived }) => ({
        name,
        parent: codeName(parentId),
        order,
        color,
        definition,
        inclusion,
        exclusion,
        example,
        archived,
        id: id === '' ? null : undefined,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    sources: project.sources.map((source) => ({ title: source.title, turns: source.turns, attributes: source.attributes })),
    codings: project.codings
      .map((coding) => ({
        source: sourceTitle(coding.sourceId),
        layer: coding.layer.kind === 'coder' ? userName(coding.layer.userId) : 'consensus',
        code: codeName(coding.codeId),
        text: sourceText(project.sources.find((source) => source.id === coding.sourceId) ?? { turns: [] }).slice(coding.start, coding.end),
        start: coding.start,
        end: coding.end,
        memo: coding.memo,
        createdAt: coding.createdAt,
        createdBy: userName(coding.createdBy),
      }))
      .sort((a, b) => `${a.source}${a.start}${a.code}${a.layer}`.localeCompare(`${b.source}${b.start}${b.code}${b.layer}`)),
    notes: (project.notes ?? []).map(({ title, text }) => ({ title, text })),
  };
}

describe('REFI-QDA round trip model → .qdpx → model', () => {
  it('keeps every code, coding, user, memo and attribute, with astral characters, in code points', () => {
    const original = sampleProject();
    const { project, report } = readQdpx(writeQdpx(original));
    expect(comparable(project)).toEqual(comparable(original));
    expect(report).toMatchObject({ sources: 2, codes: 4, codings: 6, users: 3, skipped: [], offsets: 'codepoints', crlfCountsAs: null });
    expect(project.codings.filter((coding) => coding.layer.kind === 'consensus')).toHaveLength(1);
  });

  it('keeps everything with UTF-16 offsets too, and reports that unit', () => {
    const original = sampleProject();
    const { project, report } = readQdpx(writeQdpx(original, { offsets: 'utf16' }));
    expect(comparable(project)).toEqual(comparable(original));
    expect(report.offsets).toBe('utf16');
  });

  it('writes positions in code points by default and UTF-16 units on request', () => {
    const original = sampleProject();
    const coding = original.codings.find((item) => item.id === 'k4');
    if (!coding) throw new Error('fixture');
    const exportedText = (bytes: Uint8Array) => {
      const files = unzipSync(bytes);
      const name = Object.keys(files).find((file) => file.startsWith('sources/') && new TextDecoder().decode(files[file]).includes('budget'));
      return new TextDecoder().decode(files[name ?? '']);
    };
    const positions = (qde: string) => {
      const match = /<PlainTextSelection[^>]*startPosition="(\d+)" endPosition="(\d+)"[^>]*>\s*<Description>agreed in meeting/.exec(qde);
      return match ? [Number(match[1]), Number(match[2])] : null;
    };
    const text = exportedText(writeQdpx(original));
    const utf16Start = text.indexOf('budget 💷 froze');
    const codePointStart = [...text.slice(0, utf16Start)].length;
    expect(codePointStart).toBeLessThan(utf16Start);
    expect(positions(writeQde(original))).toEqual([codePointStart, codePointStart + [...'budget 💷 froze'].length]);
    expect(positions(writeQde(original, { offsets: 'utf16' }))).toEqual([utf16Start, utf16Start + 'budget 💷 froze'.length]);
  });

  it('lays out the archive as project.qde plus sources/<GUID>.txt in UTF-8 without a BOM', () => {
    const files = unzipSync(writeQdpx(sampleProject()));
    const names = Object.keys(files).sort();
    expect(names[0]).toBe('project.qde');
    expect(names.slice(1).every((name) => /^sources\/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.txt$/.test(name))).toBe(true);
    const qde = new TextDecoder().decode(files['project.qde']);
    for (const name of names.slice(1)) {
      expect(files[name][0]).not.toBe(0xef);
      expect(qde).toContain(`plainTextPath="internal://${name.slice('sources/'.length)}"`);
    }
    expect(new TextDecoder().decode(files[names[1]]).split('\n')[0]).toMatch(/^(\[00:00:05\] Interviewer: How did|P2: Nothing)/);
  });

  it('carries the project note and project notes through', () => {
    const original = { ...sampleProject(), notes: [{ id: 'n1', title: 'Method', text: 'Two coders,\nthen consensus.' }] };
    const { project, report } = readQdpx(writeQdpx(original, { note: 'Exported for the audit.' }));
    expect(project.notes).toEqual([
      expect.objectContaining({ title: 'Project note', text: 'Exported for the audit.' }),
      expect.objectContaining({ title: 'Method', text: 'Two coders,\nthen consensus.' }),
    ]);
    expect(report.notes).toBe(2);
  });

  it('keeps a code description that is not in our labelled shape as the definition, and our shape field by field', () => {
    const codes = sampleProject().codes;
    codes[1].definition = 'Inclusion: this line starts like a label\nand continues';
    const read = readQdc(new TextEncoder().encode(writeQdc(codes)));
    expect(read.map(({ name, definition, inclusion, exclusion, example, archived, color }) => ({ name, definition, inclusion, exclusion, example, archived, color }))).toEqual(
      codes.map(({ name, definition, inclusion, exclusion, example, archived, color }) => ({ name, definition, inclusion, exclusion, example, archived, color })),
    );
    expect(read.find((code) => code.name === 'Leading change')?.parentId).toBe(read.find((code) => code.name === 'Leadership')?.id);
  });

  it('refuses to export a coding outside its source or of an unknown code', () => {
    const project = sampleProject();
    project.codings[0] = { ...project.codings[0], end: 10_000 };
    expect(() => writeQdpx(project)).toThrow(expect.objectContaining({ code: 'coding_out_of_range' }));
    const other = sampleProject();
    other.codings[0] = { ...other.codings[0], codeId: 'nope' };
    expect(() => writeQde(other)).toThrow(expect.objectContaining({ code: 'unknown_code' }));
  });
});

describe.skipIf(!schemaValidationAvailable)('REFI-QDA schema validation (xmllint)', () => {
  it('project.qde validates against Project-mrt2019.xsd, with files and with inline text', () => {
    const project = sampleProject();
    expect(schemaErrors(writeQde(project, { note: 'a & b' }), projectSchema)).toBeNull();
    expect(schemaErrors(writeQde(project, { offsets: 'utf16', inlineText: true }), projectSchema)).toBeNull();
    const qde = new TextDecoder().decode(unzipSync(writeQdpx(project))['project.qde']);
    expect(schemaErrors(qde, projectSchema)).toBeNull();
  });

  it('a project without codes, sources or users validates (empty wrappers are left out)', () => {
    expect(schemaErrors(writeQde({ name: 'Empty', blind: true, users: [], codes: [], sources: [], codings: [] }), projectSchema)).toBeNull();
  });

  it('the .qdc validates against Codebook.xsd', () => {
    expect(schemaErrors(writeQdc(sampleProject().codes), codebookSchema)).toBeNull();
  });

  it('the validator really checks: a colour name does not validate', () => {
    expect(schemaErrors(writeQdc(sampleProject().codes).replace('#1F77B4', 'blue'), codebookSchema)).not.toBeNull();
  });
});
