/**
 * Hand-written files in the shapes real tools produce (docs: refi-qda-notes §5–7), not our writer's.
 */
import { describe, expect, it } from 'vitest';
import { sourceText } from '../../../server/exchange/model';
import { readQdc, readQdpx } from '../../../server/exchange/refi/index';
import { zip } from './fixtures';

const bom = '\ufeff';
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Selections as (start, end) pairs found by phrase, counted the way a given tool counts. */
function positions(text: string, phrase: string, unit: 'utf16' | 'codepoints', crlfAsOne = false) {
  const start = text.indexOf(phrase);
  if (start < 0) throw new Error(`"${phrase}" not in text`);
  const count = (slice: string) => {
    const normalised = crlfAsOne ? slice.replace(/\r\n/g, '\n') : slice;
    return unit === 'utf16' ? normalised.length : [...normalised].length;
  };
  return { start: count(text.slice(0, start)), end: count(text.slice(0, start + phrase.length)) };
}

function textOf(result: ReturnType<typeof readQdpx>, title: string, coding: { start: number; end: number }) {
  const source = result.project.sources.find((item) => item.title === title);
  return sourceText(source ?? { turns: [] }).slice(coding.start, coding.end);
}

// NVivo for Windows: Sources/ folder, BOM, CRLF, UTF-16 offsets, lowercase GUIDs, one selection per
// code with identical ranges, an annotation as Note + Link, classifications as Cases.
const nvivoText = `${bom}Interviewer: So tell me 😀 about the rota.\r\nNurse lead: The rota 🗓️ was rewritten by us.\r\n\r\nNurse lead: Nobody asked 🙃 the managers.\r\n`;
function nvivoArchive() {
  const raw = nvivoText.slice(1);
  const a = positions(raw, 'The rota 🗓️ was rewritten', 'utf16');
  const b = positions(raw, 'Nobody asked 🙃 the managers', 'utf16');
  const qde = `<?xml version="1.0" encoding="utf-8" standalone="no"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Rota study" origin="NVivo 12.6" creationDateTime="2023-01-02T03:04:05Z">
  <Users><User guid="aaaaaaaa-0000-4000-8000-000000000001" name="Dana" id="DA"/><User guid="aaaaaaaa-0000-4000-8000-000000000002" name="Eli" id="EL"/></Users>
  <CodeBook><Codes>
    <Code guid="cccccccc-0000-4000-8000-000000000001" name="Ownership" isCodable="true" color="#0F0"><Description/></Code>
    <Code guid="cccccccc-0000-4000-8000-000000000002" name="Managers" isCodable="true"/>
  </Codes></CodeBook>
  <Variables><Variable guid="dddddddd-0000-4000-8000-000000000001" name="Role" typeOfVariable="Text"/><Variable guid="dddddddd-0000-4000-8000-000000000002" name="Years" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="eeeeeeee-0000-4000-8000-000000000001" name="Nurse lead">
    <VariableValue><VariableRef targetGUID="dddddddd-0000-4000-8000-000000000001"/><TextValue>Nurse</TextValue></VariableValue>
    <VariableValue><VariableRef targetGUID="dddddddd-0000-4000-8000-000000000002"/><IntegerValue>12</IntegerValue></VariableValue>
    <SourceRef targetGUID="bbbbbbbb-0000-4000-8000-000000000001"/>
  </Case></Cases>
  <Sources>
    <TextSource guid="bbbbbbbb-0000-4000-8000-000000000001" name="Ward 3" plainTextPath="internal://bbbbbbbb-0000-4000-8000-000000000001.txt" creatingUser="aaaaaaaa-0000-4000-8000-000000000001">
      <PlainTextSelection guid="f0000000-0000-4000-8000-000000000001" name="The rota" startPosition="${a.start}" endPosition="${a.end}" creatingUser="aaaaaaaa-0000-4000-8000-000000000001" creationDateTime="2023-01-03T10:00:00Z">
        <Coding guid="90000000-0000-4000-8000-000000000001" creatingUser="aaaaaaaa-0000-4000-8000-000000000001"><CodeRef targetGUID="cccccccc-0000-4000-8000-000000000001"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="f0000000-0000-4000-8000-000000000002" startPosition="${a.start}" endPosition="${a.end}" creatingUser="aaaaaaaa-0000-4000-8000-000000000001">
        <Coding guid="90000000-0000-4000-8000-000000000002" creatingUser="aaaaaaaa-0000-4000-8000-000000000001"><CodeRef targetGUID="cccccccc-0000-4000-8000-000000000002"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="f0000000-0000-4000-8000-000000000003" startPosition="${b.start}" endPosition="${b.end}" creatingUser="aaaaaaaa-0000-4000-8000-000000000002">
        <Coding guid="90000000-0000-4000-8000-000000000003" creatingUser="aaaaaaaa-0000-4000-8000-000000000002"><CodeRef targetGUID="cccccccc-0000-4000-8000-000000000002"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes><Note guid="70000000-0000-4000-8000-000000000001" name="Annotation"><PlainTextContent>Said with a laugh.</PlainTextContent></Note></Notes>
  <Links><Link guid="60000000-0000-4000-8000-000000000001" name="annotation" originGUID="70000000-0000-4000-8000-000000000001" targetGUID="f0000000-0000-4000-8000-000000000003"/></Links>
</Project>`;
  return zip({ 'project.qde': `${bom}${qde}`, 'Sources/bbbbbbbb-0000-4000-8000-000000000001.txt': nvivoText });
}

describe('importing NVivo-shaped projects', () => {
  const result = readQdpx(nvivoArchive());

  it('reads Sources/, drops the BOM, turns CRLF lines into speaker turns and skips the blank line', () => {
    expect(result.project.sources).toHaveLength(1);
    expect(result.project.sources[0].turns).toEqual([
      { speaker: 'Interviewer', timestamp: null, text: 'So tell me 😀 about the rota.' },
      { speaker: 'Nurse lead', timestamp: null, text: 'The rota 🗓️ was rewritten by us.' },
      { speaker: 'Nurse lead', timestamp: null, text: 'Nobody asked 🙃 the managers.' },
    ]);
  });

  it('detects UTF-16 offsets with CRLF counted twice and maps selections onto the same words', () => {
    expect(result.report.offsets).toBe('utf16');
    expect(result.report.crlfCountsAs).toBe(2);
    const texts = result.project.codings.map((coding) => textOf(result, 'Ward 3', coding));
    expect(texts).toEqual(['The rota 🗓️ was rewritten', 'The rota 🗓️ was rewritten', 'Nobody asked 🙃 the managers']);
  });

  it('makes one coding per code for identical ranges, each creating user a coder', () => {
    const [first, second, third] = result.project.codings;
    expect([first.codeId, second.codeId]).toEqual(['cccccccc-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000002']);
    expect(first.layer).toEqual({ kind: 'coder', userId: 'aaaaaaaa-0000-4000-8000-000000000001' });
    expect(third.layer).toEqual({ kind: 'coder', userId: 'aaaaaaaa-0000-4000-8000-000000000002' });
    expect(result.project.users.map((user) => user.name)).toEqual(['Dana', 'Eli']);
  });

  it('turns an annotation linked to a selection into that coding memo, and case variables into attributes', () => {
    expect(result.project.codings[2].memo).toBe('Said with a laugh.');
    expect(result.report.notes).toBe(1);
    expect(result.project.sources[0].attributes).toEqual({ Role: 'Nurse', Years: '12' });
  });

  it('expands #RGB colours, defaults a missing one, and dates a coding from its selection or the project', () => {
    expect(result.project.codes.map((code) => code.color)).toEqual(['#00ff00', '#9e9e9e']);
    expect(result.project.codings[0].createdAt).toBe('2023-01-03T10:00:00.000Z');
    expect(result.project.codings[1].createdAt).toBe('2023-01-02T03:04:05.000Z');
  });
});

describe('importing ATLAS.ti-, MAXQDA- and qc-shaped projects', () => {
  it('ATLAS.ti: uppercase and braced GUIDs, CRLF counted once, extra elements and files ignored', () => {
    const text = 'P1: First line about 💡 ideas.\r\nP2: Second line about the plan.\r\n';
    const a = positions(text, 'about the plan', 'utf16', true);
    const b = positions(text, 'ideas', 'utf16', true);
    const qde = `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Atlas" origin="ATLAS.ti 23.2">
  <Users><User guid="{ABCDEF01-0000-4000-8000-0000000000AA}" name="Fay"/></Users>
  <CodeBook><Codes><Code guid="ABCDEF01-0000-4000-8000-0000000000CC" name="Plans" isCodable="true"><Code guid="ABCDEF01-0000-4000-8000-0000000000CD" name="Ideas" isCodable="false"/></Code></Codes></CodeBook>
  <Sources>
    <TextSource guid="ABCDEF01-0000-4000-8000-0000000000BB" name="Doc" plainTextPath="internal://ABCDEF01-0000-4000-8000-0000000000BB.txt">
      <PlainTextSelection guid="ABCDEF01-0000-4000-8000-000000000001" startPosition="${a.start}" endPosition="${a.end}" creatingUser="abcdef01-0000-4000-8000-0000000000aa">
        <Coding guid="ABCDEF01-0000-4000-8000-000000000011"><CodeRef targetGUID="{abcdef01-0000-4000-8000-0000000000cc}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="ABCDEF01-0000-4000-8000-000000000002" startPosition="${b.start}" endPosition="${b.end}" creatingUser="ABCDEF01-0000-4000-8000-0000000000AA">
        <Coding guid="ABCDEF01-0000-4000-8000-000000000012"><CodeRef targetGUID="ABCDEF01-0000-4000-8000-0000000000CD"/></Coding>
        <FutureElement flavour="unknown"><Nested/></FutureElement>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Sets><Set guid="ABCDEF01-0000-4000-8000-0000000000EE" name="Group"><MemberCode targetGUID="ABCDEF01-0000-4000-8000-0000000000CC"/></Set></Sets>
  <Graphs><Graph guid="ABCDEF01-0000-4000-8000-0000000000FF"/></Graphs>
</Project>`;
    const result = readQdpx(zip({ 'project.qde': qde, 'sources/ABCDEF01-0000-4000-8000-0000000000BB.txt': text, 'sources/picture.png': new Uint8Array([1, 2, 3]), 'META-INF/extra.xml': '<x/>' }));
    expect(result.report.crlfCountsAs).toBe(1);
    expect(result.project.codings.map((coding) => textOf(result, 'Doc', coding))).toEqual(['about the plan', 'ideas']);
    expect(result.project.codings.every((coding) => coding.layer.kind === 'coder' && coding.layer.userId === 'abcdef01-0000-4000-8000-0000000000aa')).toBe(true);
    // A non-codable code from another tool is a folder, not an archived code.
    expect(result.project.codes.map((code) => [code.name, code.parentId, code.archived])).toEqual([
      ['Plans', null, false],
      ['Ideas', 'abcdef01-0000-4000-8000-0000000000cc', false],
    ]);
    expect(result.report.skipped).toEqual([]);
  });

  it('MAXQDA: variables on the source, a comment on an uncoded selection reported, a nameless case', () => {
    const qde = `<Project xmlns="urn:QDA-XML:project:1.0" name="Max" origin="MAXQDA 2022">
  <CodeBook><Codes><Code guid="11111111-0000-4000-8000-000000000001" name="Care" isCodable="true"/></Codes></CodeBook>
  <Variables><Variable guid="22222222-0000-4000-8000-000000000001" name="Age" typeOfVariable="Integer"/><Variable guid="22222222-0000-4000-8000-000000000002" name="Site" typeOfVariable="Text"/></Variables>
  <Cases><Case guid="33333333-0000-4000-8000-000000000001"><VariableValue><VariableRef targetGUID="22222222-0000-4000-8000-000000000002"/><TextValue>East</TextValue></VariableValue><SourceRef targetGUID="44444444-0000-4000-8000-000000000001"/></Case></Cases>
  <Sources>
    <TextSource guid="44444444-0000-4000-8000-000000000001" name="Resp 1" plainTextPath="internal://44444444-0000-4000-8000-000000000001.txt">
      <PlainTextSelection guid="55555555-0000-4000-8000-000000000001" startPosition="0" endPosition="4"><Description>check this</Description></PlainTextSelection>
      <PlainTextSelection guid="55555555-0000-4000-8000-000000000002" startPosition="5" endPosition="9"><Coding guid="66666666-0000-4000-8000-000000000001"><CodeRef targetGUID="11111111-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>
      <VariableValue><VariableRef targetGUID="22222222-0000-4000-8000-000000000001"/><IntegerValue>44</IntegerValue></VariableValue>
    </TextSource>
  </Sources>
</Project>`;
    const result = readQdpx(zip({ 'project.qde': qde, 'sources/44444444-0000-4000-8000-000000000001.txt': 'Good care here.' }));
    expect(result.project.sources[0].attributes).toEqual({ Age: '44', Site: 'East' });
    expect(result.project.codings).toHaveLength(1);
    expect(textOf(result, 'Resp 1', result.project.codings[0])).toBe('care');
    // No creatingUser anywhere: one "Unknown coder" owns the layer.
    expect(result.project.users).toEqual([{ id: 'unknown-coder', name: 'Unknown coder' }]);
    expect(result.report.skipped).toEqual([{ what: 'selection [0, 4) in "Resp 1"', why: 'a comment on an uncoded passage without a code' }]);
  });

  it('qc: a bare file name as path, no source name, ids that are not UUIDs, no XML declaration', () => {
    const qde = `<Project xmlns="urn:QDA-XML:project:1.0" name="qc">
<Users><User guid="coder-1" name="Gil"/></Users>
<CodeBook><Codes><Code guid="code-a" name="A" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="doc-1" plainTextPath="interview one.txt">
<PlainTextSelection guid="sel-1" startPosition="0" endPosition="5" creatingUser="CODER-1"><Coding guid="cod-1"><CodeRef targetGUID="CODE-A"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>`;
    const result = readQdpx(zip({ 'project.qde': qde, 'sources/interview one.txt': 'Hello world' }));
    expect(result.project.sources[0].title).toBe('interview one.txt');
    expect(result.project.codings[0]).toMatchObject({ codeId: 'code-a', layer: { kind: 'coder', userId: 'coder-1' }, start: 0, end: 5 });
  });

  it('QualCoder: inline PlainTextContent, code points, and an older project namespace spelling', () => {
    const text = 'Ann: 🎉🎉 Great news about funding.';
    const a = positions(text, 'Great news', 'codepoints');
    const qde = `<?xml version="1.0"?><qda:Project xmlns:qda="urn:QDA-XML:project:1:0" name="QC" origin="QualCoder 3.4">
<qda:CodeBook><qda:Codes><qda:Code guid="c0000000-0000-4000-8000-000000000001" name="News" isCodable="true"/></qda:Codes></qda:CodeBook>
<qda:Sources><qda:TextSource guid="d0000000-0000-4000-8000-000000000001" name="Inline"><qda:PlainTextContent>${text}</qda:PlainTextContent>
<qda:PlainTextSelection guid="e0000000-0000-4000-8000-000000000001" startPosition="${a.start}" endPosition="${a.end}"><qda:Coding guid="f0000000-0000-4000-8000-000000000001"><qda:CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></qda:Coding></qda:PlainTextSelection>
</qda:TextSource></qda:Sources></qda:Project>`;
    const result = readQdpx(zip({ 'project.qde': qde }));
    expect(result.report.offsets).toBe('codepoints');
    expect(textOf(result, 'Inline', result.project.codings[0])).toBe('Great news');
  });
});

describe('importing what cocode cannot use', () => {
  it('skips non-text sources, empty and out-of-range selections, unknown codes and missing files, with reasons', () => {
    const qde = `<Project xmlns="urn:QDA-XML:project:1.0" name="Mixed">
<CodeBook><Codes><Code guid="c0000000-0000-4000-8000-000000000001" name="K" isCodable="true"/></Codes></CodeBook>
<Sources>
  <PDFSource guid="a0000000-0000-4000-8000-000000000001" name="Report" path="internal://a.pdf"><PDFSelection guid="a0000000-0000-4000-8000-000000000002" page="1" firstX="0" firstY="0" secondX="1" secondY="1"/></PDFSource>
  <PictureSource guid="a0000000-0000-4000-8000-000000000003" name="Photo" path="internal://p.jpg"/>
  <AudioSource guid="a0000000-0000-4000-8000-000000000004" name="Tape" path="absolute:///C:/tape.mp3"/>
  <TextSource guid="b0000000-0000-4000-8000-000000000001" name="Empty" plainTextPath="internal://empty.txt"/>
  <TextSource guid="b0000000-0000-4000-8000-000000000002" name="Gone" plainTextPath="internal://gone.txt"><PlainTextSelection guid="b0000000-0000-4000-8000-000000000003" startPosition="0" endPosition="1"/></TextSource>
  <TextSource guid="b0000000-0000-4000-8000-000000000004" name="Rich" richTextPath="internal://rich.docx"/>
  <TextSource guid="b0000000-0000-4000-8000-000000000005" name="Short" plainTextPath="internal://short.txt">
    <PlainTextSelection guid="b0000000-0000-4000-8000-000000000006" startPosition="2" endPosition="900"><Coding guid="b0000000-0000-4000-8000-000000000007"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>
    <PlainTextSelection guid="b0000000-0000-4000-8000-000000000008" startPosition="3" endPosition="3"><Coding guid="b0000000-0000-4000-8000-000000000009"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>
    <PlainTextSelection guid="b0000000-0000-4000-8000-00000000000a" startPosition="0" endPosition="3"><Coding guid="b0000000-0000-4000-8000-00000000000b"><CodeRef targetGUID="c0000000-0000-4000-8000-0000000000ff"/></Coding></PlainTextSelection>
    <Coding guid="b0000000-0000-4000-8000-00000000000c"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding>
  </TextSource>
</Sources></Project>`;
    const result = readQdpx(zip({ 'project.qde': qde, 'sources/empty.txt': '', 'sources/short.txt': 'Tiny text.', 'sources/rich.docx': 'PK' }));
    expect(result.project.sources.map((source) => [source.title, source.turns.length])).toEqual([
      ['Empty', 0],
      ['Short', 1],
    ]);
    expect(result.project.codings).toEqual([]);
    expect(result.report.skipped.map((item) => `${item.what}: ${item.why}`)).toEqual([
      'PDFSource "Report" and its 1 selection(s): cocode codes text transcripts only',
      'PictureSource "Photo": cocode codes text transcripts only',
      'AudioSource "Tape": cocode codes text transcripts only',
      'text source "Gone" and its 1 selection(s): its text file internal://gone.txt is not in the archive',
      'text source "Rich": it has only rich text (.docx) and no plain-text representation to position selections in',
      '1 coding(s) of the whole source "Short": cocode codes passages, not whole documents',
      'selection [2, 900) in "Short": it lies outside the text (10 characters)',
      'selection [3, 3) in "Short": it is empty or reversed',
      'a coding of selection [0, 3) in "Short": it refers to a code that is not in the codebook (c0000000-0000-4000-8000-0000000000ff)',
    ]);
  });
});

describe('offset unit detection', () => {
  const text = '🙂🙂🙂 alpha beta 🙂 gamma delta 🙂🙂 epsilon zeta';
  const archive = (unit: 'utf16' | 'codepoints', origin: string) => {
    const selections = ['alpha beta', 'gamma', 'delta', 'epsilon zeta']
      .map((phrase, index) => {
        const { start, end } = positions(text, phrase, unit);
        return `<PlainTextSelection guid="e0000000-0000-4000-8000-00000000000${index}" startPosition="${start}" endPosition="${end}"><Coding guid="f0000000-0000-4000-8000-00000000000${index}"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>`;
      })
      .join('');
    const qde = `<Project xmlns="urn:QDA-XML:project:1.0" name="Units" origin="${origin}"><CodeBook><Codes><Code guid="c0000000-0000-4000-8000-000000000001" name="K" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="d0000000-0000-4000-8000-000000000001" name="T" plainTextPath="internal://t.txt">${selections}</TextSource></Sources></Project>`;
    return zip({ 'project.qde': qde, 'sources/t.txt': text });
  };

  for (const [unit, origin] of [
    ['utf16', 'QualCoder 3.4'],
    ['codepoints', 'NVivo 14'],
  ] as const) {
    it(`finds ${unit} positions even from a tool (${origin}) that usually counts the other way`, () => {
      const result = readQdpx(archive(unit, origin));
      expect(result.report.offsets).toBe(unit);
      expect(result.project.codings.map((coding) => textOf(result, 'T', coding))).toEqual(['alpha beta', 'gamma', 'delta', 'epsilon zeta']);
    });
  }
});

describe('reading .qdc codebooks', () => {
  const codebook = (namespace: string) =>
    utf8(`<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="${namespace}" origin="Taguette 1.4"><Codes>
<Code guid="5B8B1C4E-0000-5000-8000-000000000001" name="Parent" isCodable="true" color="#AABBCC"><Description>Free text from another tool.</Description>
<Code guid="5B8B1C4E-0000-5000-8000-000000000002" name="Child" isCodable="true"/></Code></Codes>
<Sets><Set guid="5B8B1C4E-0000-5000-8000-000000000009" name="S"><MemberCode guid="5B8B1C4E-0000-5000-8000-000000000001"/></Set></Sets></CodeBook>`);

  for (const namespace of ['urn:QDA-XML:codebook:1.0', 'urn:QDA-XML:codebook:1:0', 'urn:QDA-XML:codebook:0:4']) {
    it(`reads namespace ${namespace}`, () => {
      const codes = readQdc(codebook(namespace));
      expect(codes.map(({ name, parentId, color, definition }) => ({ name, parentId, color, definition }))).toEqual([
        { name: 'Parent', parentId: null, color: '#aabbcc', definition: 'Free text from another tool.' },
        { name: 'Child', parentId: '5b8b1c4e-0000-5000-8000-000000000001', color: '#9e9e9e', definition: '' },
      ]);
    });
  }

  it('refuses a foreign namespace and a project file', () => {
    expect(() => readQdc(codebook('urn:example:codes'))).toThrow(expect.objectContaining({ code: 'xml_namespace' }));
    expect(() => readQdc(utf8('<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'))).toThrow(expect.objectContaining({ code: 'not_a_codebook' }));
  });
});
