/**
 * SPEC K5: a stored coding whose anchors do not decode (written before validation existed, or by a
 * broken tool straight into the store) is reported — listed as `invalid`, left out of agreement,
 * named in the owner's health report — and never breaks a reader: not the layer listing, not the
 * agreement report, not the repair pass for the layers after it, which re-anchors it from its quote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { documentNames } from '../../shared/collab/documentNames';
import { appendTurns, putCoding, readTurns, transcriptFragment } from '../../shared/collab/schema';
import { eventually } from '../helpers/poll';
import { projectWithMembers, sampleTranscript, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.dispose();
});

describe('a broken stored coding', () => {
  it('[K5] is listed as invalid, left out of agreement, reported to owners, and the repair pass goes on past it', async () => {
    const { owner, project, members } = await projectWithMembers(server, ['coder', 'coder']);
    const [first, second] = members;
    const code = (await owner.api.post(`/projects/${project.id}/codes`, { name: 'Enabler' })).body;
    const document = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'I1', text: sampleTranscript })).body;
    const codings = `/projects/${project.id}/documents/${document.id}/codings`;
    const text = (await owner.api.get(`/projects/${project.id}/documents/${document.id}`)).body.text as string;
    const at = text.indexOf('Protected time');
    for (const coder of [first, second]) expect((await coder.api.post(codings, { codeId: code.id, start: at, end: at + 14 })).status).toBe(201);
    const paperwork = text.indexOf('The paperwork');
    expect((await second.api.post(codings, { codeId: code.id, start: paperwork, end: paperwork + 13 })).status).toBe(201);

    // Written straight into the first coder's layer, around every check a client write passes.
    const layerName = documentNames.layer(document.id, first.id);
    const direct = await server.hocuspocus.openDirectConnection(layerName, {});
    await direct.transact((doc: Y.Doc) =>
      putCoding(doc, {
        id: 'broken-anchors',
        codeId: code.id,
        start: new Uint8Array([255, 255, 255, 255]),
        end: new Uint8Array([7]),
        quote: 'What helps',
        lastStart: 13,
        lastEnd: 23,
        memo: '',
        createdAt: new Date().toISOString(),
        createdBy: first.id,
        orphaned: false,
      }),
    );
    await direct.disconnect();

    const all = await owner.api.get(`${codings}?layer=all`);
    expect(all.status).toBe(200);
    expect(all.body.find((coding: { id: string }) => coding.id === 'broken-anchors')).toMatchObject({ status: 'invalid', text: 'What helps', start: 13 });
    expect(all.body.filter((coding: { status: string }) => coding.status === 'ok')).toHaveLength(3);

    const agreement = await owner.api.get(`/projects/${project.id}/agreement?unit=turn`);
    expect(agreement.status).toBe(200);
    expect(agreement.body.byCode[0]).toBeTruthy();

    const health = await owner.api.get(`/projects/${project.id}/health`);
    expect(health.body.invalidCodings).toEqual([{ documentName: layerName, codingId: 'broken-anchors', problem: 'its anchors do not decode' }]);

    // The last turn re-created as new items (as a split and merge in the editor does): the second
    // coder's anchors into it are lost and only the repair pass, which runs layer by layer, can
    // find the words again — past the broken layer.
    const transcript = await server.hocuspocus.openDirectConnection(documentNames.transcript(document.id), {});
    await transcript.transact((doc: Y.Doc) => {
      const last = readTurns(doc).length - 1;
      const turn = readTurns(doc)[last];
      transcriptFragment(doc).delete(last, 1);
      appendTurns(doc, [turn]);
    });
    await transcript.disconnect();
    await eventually(async () => {
      const mine = (await second.api.get(`${codings}?layer=me`)).body as { text: string; status: string; start: number }[];
      expect(mine.find((coding) => coding.text === 'The paperwork')).toMatchObject({ status: 'ok', start: paperwork });
    });
    // The same pass found the broken coding's words again from its quote: it is whole again.
    const healed = (await owner.api.get(`${codings}?layer=${first.id}`)).body.find((coding: { id: string }) => coding.id === 'broken-anchors');
    expect(healed).toMatchObject({ status: 'ok', text: 'What helps', start: text.indexOf('What helps') });
  });
});
