/**
 * Live co-coding over real providers: codings written by one client (or by REST) reach the others,
 * concurrent writers converge, and codings stay on their words while the transcript is edited
 * (SPEC C1–C3, D2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentNames } from '../../shared/collab/documentNames';
import { putCoding, readCodings, transcriptFragment, turnTextNode } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { codingAt } from '../helpers/codings';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import { projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';

let server: TestServer;
let owner: TestUser;
let adjudicator: TestUser;
let coderA: TestUser;
let coderB: TestUser;
let projectId: string;
let codeId: string;
const open: TestProvider[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const setup = await projectWithMembers(server, ['adjudicator', 'coder', 'coder'], { blind: false });
  ({ owner } = setup);
  [adjudicator, coderA, coderB] = setup.members;
  projectId = setup.project.id;
  codeId = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Enabler' })).body.id;
});

afterAll(async () => {
  for (const connection of open) connection.destroy();
  await server.dispose();
});

async function newDocument(text = sampleTranscript): Promise<string> {
  const response = await owner.api.post(`/projects/${projectId}/documents`, { title: 'Interview', text });
  expect(response.status).toBe(201);
  return response.body.id;
}

async function connect(user: TestUser, name: string): Promise<TestProvider> {
  const connection = connectProvider(server.wsUrl, name, user.token);
  open.push(connection);
  await connection.synced;
  return connection;
}

/** Writes a coding the way the editor does: anchors from the client's own replica of the transcript. */
function codeLocally(layer: Y.Doc, transcript: Y.Doc, quote: string, by: string) {
  const index = new TranscriptIndex(transcript);
  const start = index.text.indexOf(quote);
  expect(start).toBeGreaterThanOrEqual(0);
  const coding = codingAt(index, start, start + quote.length, codeId, by);
  putCoding(layer, coding);
  return coding;
}

const codingTexts = async (user: TestUser, documentId: string, layer = 'all') =>
  ((await user.api.get(`/projects/${projectId}/documents/${documentId}/codings?layer=${layer}`)).body as { text: string; coder: string; status: string }[]);

describe('co-coding one transcript', () => {
  it('a coding made by coder A appears live in coder B\'s copy of A\'s layer and over REST', async () => {
    const documentId = await newDocument();
    const transcriptA = await connect(coderA, documentNames.transcript(documentId));
    const layerA = await connect(coderA, documentNames.layer(documentId, coderA.id));
    const layerAseenByB = await connect(coderB, documentNames.layer(documentId, coderA.id));
    codeLocally(layerA.doc, transcriptA.doc, 'Protected time', coderA.id);
    await eventually(() => expect(readCodings(layerAseenByB.doc).map((c) => c.quote)).toEqual(['Protected time']));
    const seenByB = await codingTexts(coderB, documentId);
    expect(seenByB.filter((c) => c.coder === coderA.id).map((c) => c.text)).toEqual(['Protected time']);
  });

  it('[D2] a coding created over REST reaches connected providers at once', async () => {
    const documentId = await newDocument();
    const watcher = await connect(adjudicator, documentNames.layer(documentId, coderB.id));
    const text = (await coderB.api.get(`/projects/${projectId}/documents/${documentId}`)).body.text as string;
    const start = text.indexOf('The paperwork');
    const created = await coderB.api.post(`/projects/${projectId}/documents/${documentId}/codings`, {
      codeId,
      start,
      end: start + 'The paperwork'.length,
      memo: 'burden',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ text: 'The paperwork', memo: 'burden', layer: coderB.id, status: 'ok' });
    await eventually(() => expect(readCodings(watcher.doc).map((c) => c.id)).toEqual([created.body.id]));
  });

  it('owner and adjudicator writing the consensus layer at the same time converge on both codings', async () => {
    const documentId = await newDocument();
    const transcript = await connect(owner, documentNames.transcript(documentId));
    const ownerConsensus = await connect(owner, documentNames.consensus(documentId));
    const adjudicatorConsensus = await connect(adjudicator, documentNames.consensus(documentId));
    codeLocally(ownerConsensus.doc, transcript.doc, 'Protected time', owner.id);
    codeLocally(adjudicatorConsensus.doc, transcript.doc, 'The paperwork', adjudicator.id);
    await eventually(() => {
      const fromOwner = readCodings(ownerConsensus.doc).map((c) => c.quote).sort();
      const fromAdjudicator = readCodings(adjudicatorConsensus.doc).map((c) => c.quote).sort();
      expect(fromOwner).toEqual(['Protected time', 'The paperwork']);
      expect(fromAdjudicator).toEqual(fromOwner);
      expect(Y.encodeStateVector(ownerConsensus.doc)).toEqual(Y.encodeStateVector(adjudicatorConsensus.doc));
    });
  });
});

describe('codings survive transcript edits', () => {
  it('[C2] typing before, at the boundaries of and inside a coding keeps it on its words', async () => {
    const documentId = await newDocument();
    const transcript = await connect(owner, documentNames.transcript(documentId));
    const layer = await connect(coderA, documentNames.layer(documentId, coderA.id));
    const coderTranscript = await connect(coderA, documentNames.transcript(documentId));
    codeLocally(layer.doc, coderTranscript.doc, 'Two sessions', coderA.id);
    const turn = transcriptFragment(transcript.doc).get(1) as Y.XmlElement;
    const text = turnTextNode(turn) as Y.XmlText;
    const at = turnTextNodeString(text).indexOf('Two sessions');
    text.insert(0, 'Well, ');
    text.insert(at + 'Well, '.length, '[');
    text.insert(at + 'Well, ['.length + 'Two sessions'.length, ']');
    await eventually(async () => expect((await codingTexts(coderA, documentId, 'me')).map((c) => c.text)).toEqual(['Two sessions']));
    text.insert(at + 'Well, ['.length + 3, ' funded');
    await eventually(async () => expect((await codingTexts(coderA, documentId, 'me')).map((c) => c.text)).toEqual(['Two funded sessions']));
  });

  it('[C3] splitting a turn before a coding re-creates its text, and the repair pass re-anchors it', async () => {
    const documentId = await newDocument();
    const transcript = await connect(owner, documentNames.transcript(documentId));
    const created = await coderA.api.post(`/projects/${projectId}/documents/${documentId}/codings`, {
      codeId,
      ...(await offsetsOf(documentId, 'Every decision needs')),
    });
    expect(created.status).toBe(201);
    // What the editor does on Enter in "The paperwork.| Every decision…": the left part keeps its
    // identity, the right part becomes a new paragraph with new text items.
    splitTurn(transcript.doc, 3, 'The paperwork.'.length);
    await eventually(async () => {
      const [coding] = await codingTexts(coderA, documentId, 'me');
      expect(coding).toMatchObject({ text: 'Every decision needs', status: 'ok' });
    });
  });

  it('[C3] deleting the coded words marks the coding orphaned instead of dropping it', async () => {
    const documentId = await newDocument();
    const transcript = await connect(owner, documentNames.transcript(documentId));
    const created = await coderA.api.post(`/projects/${projectId}/documents/${documentId}/codings`, {
      codeId,
      ...(await offsetsOf(documentId, 'three sign-offs')),
    });
    expect(created.status).toBe(201);
    const text = turnTextNode(transcriptFragment(transcript.doc).get(3) as Y.XmlElement) as Y.XmlText;
    const at = turnTextNodeString(text).indexOf('three sign-offs');
    text.delete(at, 'three sign-offs'.length);
    await eventually(async () => {
      const codings = (await coderA.api.get(`/projects/${projectId}/documents/${documentId}/codings?layer=me`)).body;
      expect(codings).toHaveLength(1);
      expect(codings[0]).toMatchObject({ orphaned: true, status: 'collapsed', text: 'three sign-offs' });
    });
  });
});

function turnTextNodeString(text: Y.XmlText): string {
  return (text.toDelta() as { insert: string }[]).map((op) => op.insert).join('');
}

async function offsetsOf(documentId: string, quote: string) {
  const text = (await owner.api.get(`/projects/${projectId}/documents/${documentId}`)).body.text as string;
  const start = text.indexOf(quote);
  return { start, end: start + quote.length };
}

function splitTurn(doc: Y.Doc, turnIndex: number, at: number) {
  const fragment = transcriptFragment(doc);
  const turn = fragment.get(turnIndex) as Y.XmlElement;
  const text = turnTextNode(turn) as Y.XmlText;
  const whole = turnTextNodeString(text);
  doc.transact(() => {
    text.delete(at, whole.length - at);
    const right = new Y.XmlElement('paragraph');
    right.setAttribute('speaker', String(turn.getAttribute('speaker')));
    const rightText = new Y.XmlText();
    rightText.insert(0, whole.slice(at).trimStart());
    right.insert(0, [rightText]);
    fragment.insert(turnIndex + 1, [right]);
  });
}
