/**
 * The lossless project file: export → read → export is byte-identical, and every kind of bad file is
 * refused with a specific code and the JSON path of the problem.
 */
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import { projectJson, readProjectJson } from '../../../server/exchange/tabular/projectJson';
import { refusalOf } from './refusal';
import { interviewOne, span, studyProject } from './studyProject';

/** The study project's file as a plain object, edited by `change`, back to text. */
function fileWith(change: (file: any) => void): string {
  const file = JSON.parse(projectJson(studyProject()));
  change(file);
  return JSON.stringify(file);
}

describe('project JSON export', () => {
  it('wraps the project in format and version and keeps every field of the model', () => {
    const file = JSON.parse(projectJson(studyProject()));
    expect(file.format).toBe('cocode-project');
    expect(file.version).toBe(1);
    expect(file.project).toEqual(studyProject());
  });

  it('reads back to the same model, ids and times kept, and exports to the same bytes again', () => {
    const exported = projectJson(studyProject());
    const read = readProjectJson(exported);
    expect(read).toEqual(studyProject());
    expect(projectJson(read)).toBe(exported);
  });

  it('reads a file saved with a UTF-8 byte order mark', () => {
    expect(readProjectJson(`\uFEFF${projectJson(studyProject())}`)).toEqual(studyProject());
  });

  it('writes the same keys in the same order however the model objects were built', () => {
    const project = studyProject();
    const shuffled = {
      codings: project.codings.map((coding) => Object.fromEntries(Object.entries(coding).reverse())),
      sources: project.sources,
      codes: project.codes.map((code) => Object.fromEntries(Object.entries(code).reverse())),
      users: project.users,
      blind: project.blind,
      name: project.name,
    } as unknown as typeof project;
    expect(projectJson(shuffled)).toBe(projectJson(project));
  });

  it('leaves out email and role of a user who has none, and reads that back', () => {
    const exported = projectJson(studyProject());
    const former = JSON.parse(exported).project.users[3];
    expect(former).toEqual({ id: 'u-ext', name: 'Former member' });
    expect(readProjectJson(exported).users[3]).toEqual({ id: 'u-ext', name: 'Former member' });
  });

  it('refuses to export a project whose codings point at a missing source', () => {
    const project = studyProject();
    project.codings[0].sourceId = 'src-9';
    expect(refusalOf(() => projectJson(project), 'unknown_source')).toBe('codings[0].sourceId: no source has the id "src-9"');
  });
});

describe('project JSON reader refusals', () => {
  it('refuses text that is not JSON', () => {
    expect(refusalOf(() => readProjectJson('{"format": "cocode-project",'), 'malformed_json')).toMatch(/^the file is not JSON: /);
  });

  it('refuses JSON that is not a cocode project file', () => {
    expect(refusalOf(() => readProjectJson('[1, 2]'), 'not_cocode_project')).toMatch(/^format: missing/);
    expect(refusalOf(() => readProjectJson('{"format": "qdpx"}'), 'not_cocode_project')).toBe('format: "qdpx" is not "cocode-project"');
  });

  it('refuses another version as unsupported', () => {
    const message = refusalOf(() => readProjectJson(fileWith((file) => { file.version = 2; })), 'unsupported_version');
    expect(message).toBe('version: 2 is not supported; this cocode reads version 1');
  });

  const schemaCases: [string, (file: any) => void, string][] = [
    ['an unknown top-level field', (file) => { file.exportedBy = 'x'; }, '(the whole file): Unrecognized key: "exportedBy"'],
    ['an unknown field in a code', (file) => { file.project.codes[2].weight = 3; }, 'project.codes[2]: Unrecognized key: "weight"'],
    ['an unknown field in a layer', (file) => { file.project.codings[2].layer.extra = true; }, 'project.codings[2].layer: Unrecognized key: "extra"'],
    ['a missing field', (file) => { delete file.project.blind; }, 'project.blind: Invalid input: expected boolean, received undefined'],
    ['an offset given as text', (file) => { file.project.codings[1].start = '30'; }, 'project.codings[1].start: Invalid input: expected number, received string'],
    ['a fractional offset', (file) => { file.project.codings[1].end = 44.5; }, 'project.codings[1].end: an offset is a whole number'],
    ['a negative offset', (file) => { file.project.codings[1].start = -1; }, 'project.codings[1].start: an offset cannot be negative'],
    ['a colour that is not #rrggbb', (file) => { file.project.codes[0].color = 'red'; }, 'project.codes[0].color: a colour is #rrggbb'],
    ['an email that is not one', (file) => { file.project.users[1].email = 'ben at example'; }, 'project.users[1].email: not an email address'],
    ['an unknown role', (file) => { file.project.users[1].role = 'admin'; }, 'project.users[1].role: Invalid option: expected one of "owner"|"adjudicator"|"coder"|"viewer"'],
    ['an unknown layer kind', (file) => { file.project.codings[0].layer = { kind: 'shared' }; }, 'project.codings[0].layer.kind: Invalid discriminator value'],
    ['a creation time that is not ISO 8601', (file) => { file.project.codings[0].createdAt = 'yesterday'; }, 'project.codings[0].createdAt: an ISO 8601 date and time, e.g. 2025-01-31T09:30:00Z'],
    ['a turn whose speaker is not text', (file) => { file.project.sources[0].turns[1].speaker = null; }, 'project.sources[0].turns[1].speaker: Invalid input: expected string, received null'],
    ['an attribute value that is not text', (file) => { file.project.sources[1].attributes.age = 44; }, 'project.sources[1].attributes.age: Invalid input: expected string, received number'],
    ['an empty id', (file) => { file.project.codes[3].id = ''; }, 'project.codes[3].id: an id cannot be empty'],
    ['a code without a name', (file) => { file.project.codes[3].name = ''; }, 'project.codes[3].name: a code needs a name'],
    ['a memo over the limit', (file) => { file.project.codings[0].memo = 'm'.repeat(defaultLimits.memoMaxChars + 1); }, `project.codings[0].memo: at most ${defaultLimits.memoMaxChars} characters`],
  ];
  it.each(schemaCases)('refuses %s, naming its path', (_, change, expected) => {
    const message = refusalOf(() => readProjectJson(fileWith(change)), 'invalid_project_file');
    expect(message.startsWith(expected), message).toBe(true);
  });

  it('lists the first five schema problems and counts the rest', () => {
    const text = fileWith((file) => {
      for (const coding of file.project.codings) coding.start = 'x';
      file.project.codes[0].color = 'red';
      file.project.codes[1].color = 'blue';
    });
    const message = refusalOf(() => readProjectJson(text), 'invalid_project_file');
    expect(message.split('; ')).toHaveLength(5);
    expect(message).toMatch(/ \(and 2 more\)$/);
  });

  const consistencyCases: [string, (file: any) => void, string, string][] = [
    ['a duplicate code id', (file) => { file.project.codes[3].id = 'c-lead'; }, 'duplicate_id', 'project.codes[3].id: "c-lead" is also the id of project.codes[1]'],
    ['a duplicate coding id', (file) => { file.project.codings[4].id = 'k-4'; }, 'duplicate_id', 'project.codings[4].id: "k-4" is also the id of project.codings[0]'],
    ['two users with one email', (file) => { file.project.users[2].email = 'ANA@example.org'; }, 'duplicate_email', 'project.users[2].email: "ANA@example.org" is also the email of users[0]'],
    ['a parent that does not exist', (file) => { file.project.codes[2].parentId = 'c-nope'; }, 'unknown_parent', 'project.codes[2].parentId: no code has the id "c-nope"'],
    ['a code that is its own parent', (file) => { file.project.codes[0].parentId = 'c-time'; }, 'code_cycle', 'project.codes[0].parentId: code "Time pressure" is its own ancestor'],
    ['parents in a longer cycle', (file) => { file.project.codes[1].parentId = 'c-old'; }, 'code_cycle', 'is its own ancestor'],
    ['a coding of a missing source', (file) => { file.project.codings[3].sourceId = 'src-0'; }, 'unknown_source', 'project.codings[3].sourceId: no source has the id "src-0"'],
    ['a coding with a missing code', (file) => { file.project.codings[3].codeId = 'c-0'; }, 'unknown_code', 'project.codings[3].codeId: no code has the id "c-0"'],
    ['a layer of a missing user', (file) => { file.project.codings[1].layer.userId = 'u-0'; }, 'unknown_user', 'project.codings[1].layer.userId: no user has the id "u-0"'],
    ['a creator who is not a user', (file) => { file.project.codings[3].createdBy = 'u-0'; }, 'unknown_user', 'project.codings[3].createdBy: no user has the id "u-0"'],
    ['start equal to end', (file) => { file.project.codings[1].end = file.project.codings[1].start; }, 'offset_out_of_range', 'project.codings[1].end: 30 must be a whole number greater than start (30)'],
    ['end past the text', (file) => { file.project.codings[1].end = 73; }, 'offset_out_of_range', `project.codings[1].end: 73 is past the end of the source's text (69 characters)`],
    ['a start inside an emoji', (file) => { file.project.codings[2].start = span(interviewOne, '🙂').start + 1; }, 'splits_character', 'project.codings[2].start: 18 splits a surrogate pair'],
    ['an end inside an emoji', (file) => { file.project.codings[0].end = span(interviewOne, '🕐').start + 1; }, 'splits_character', 'project.codings[0].end: 47 splits a surrogate pair'],
    ['a range over a turn break only', (file) => { file.project.codings[2].start = 19; file.project.codings[2].end = 20; }, 'empty_range', 'project.codings[2]: the range 19–20 covers only turn breaks, no words'],
    ['a line break inside a turn', (file) => { file.project.sources[1].turns[0].text = 'We plan\ntogether.'; }, 'newline_in_turn', "project.sources[1].turns[0].text: a turn's text cannot contain a line break"],
  ];
  it.each(consistencyCases)('refuses %s, naming its path', (_, change, code, expected) => {
    const message = refusalOf(() => readProjectJson(fileWith(change)), code);
    expect(message).toContain(expected);
    expect(message.startsWith('project.')).toBe(true);
  });

  it('refuses more codes, longer transcripts or more codings per layer than the limits allow', () => {
    const text = projectJson(studyProject());
    expect(refusalOf(() => readProjectJson(text, { ...defaultLimits, codesPerProjectMax: 3 }), 'too_many_codes')).toBe(
      'project.codes: 4 codes, at most 3',
    );
    expect(refusalOf(() => readProjectJson(text, { ...defaultLimits, transcriptMaxChars: 60 }), 'transcript_too_long')).toBe(
      'project.sources[0].turns: the text is 69 characters, at most 60',
    );
    // Ben's layer of the first interview holds two codings; every other layer one.
    expect(refusalOf(() => readProjectJson(text, { ...defaultLimits, codingsPerLayerMax: 1 }), 'too_many_codings')).toBe(
      'project.codings[1]: one layer of source "src-1" has more than 1 codings',
    );
    expect(() => readProjectJson(text, { ...defaultLimits, codesPerProjectMax: 4, transcriptMaxChars: 69, codingsPerLayerMax: 2 })).not.toThrow();
  });
});
