/**
 * SPEC H9 and D4: damage written straight into the SQLite file of a stopped server is found on the
 * next start, reported to project owners, and never "repaired" by emptying or compacting it away.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { closeCodes, closeEventForReason } from '../../shared/collab/closeCodes';
import { documentNames } from '../../shared/collab/documentNames';
import { eventually } from '../helpers/poll';
import { openOutcome } from '../helpers/providers';
import { Api, makeDataDir, projectWithMembers, sampleTranscript, startTestServer } from '../helpers/server';

describe('stored document health', () => {
  it('[H9] a corrupted snapshot and log row are reported to owners, kept as they are, and the good data survives', async () => {
    const dataDir = makeDataDir();
    const first = await startTestServer({}, dataDir);
    const { owner, project, members } = await projectWithMembers(first, ['coder']);
    const coder = members[0];
    const code = (await owner.api.post(`/projects/${project.id}/codes`, { name: 'Enabler' })).body;
    const document = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'I1', text: sampleTranscript })).body;
    const coding = await coder.api.post(`/projects/${project.id}/documents/${document.id}/codings`, { codeId: code.id, start: 0, end: 10 });
    expect(coding.status).toBe(201);
    const before = (await owner.api.get(`/projects/${project.id}/documents/${document.id}`)).body;
    await first.stop();

    const layerName = documentNames.layer(document.id, coder.id);
    const codebookName = documentNames.codebook(project.id);
    const db = new Database(path.join(dataDir, 'cocode.sqlite'));
    const snapshot = (db.prepare('SELECT state FROM ydoc_snapshots WHERE name = ?').get(layerName) as { state: Buffer }).state;
    const truncated = snapshot.subarray(0, Math.floor(snapshot.length / 2));
    db.prepare('UPDATE ydoc_snapshots SET state = ? WHERE name = ?').run(truncated, layerName);
    const badRowId = Number(db.prepare('INSERT INTO ydoc_updates (name, data) VALUES (?, ?)').run(codebookName, Buffer.from([0xff, 0xfe, 0x01])).lastInsertRowid);
    db.close();

    const second = await startTestServer({}, dataDir);
    const ownerApi = new Api(second.url, owner.token);
    const health = await ownerApi.get(`/projects/${project.id}/health`);
    expect(health.status).toBe(200);
    expect(health.body.brokenDocuments).toEqual([{ documentName: layerName, problem: expect.stringContaining('snapshot cannot be decoded') }]);
    expect(health.body.quarantinedUpdates).toEqual([{ documentName: codebookName, logId: badRowId, error: expect.any(String) }]);
    // Owners only.
    expect((await new Api(second.url, coder.token).get(`/projects/${project.id}/health`)).status).toBe(403);

    // The broken layer stays closed instead of opening empty; everything else is intact.
    const refused = await openOutcome(second.wsUrl, layerName, coder.token);
    expect(refused.ok ? null : closeEventForReason(refused.reason)).toEqual(closeCodes.brokenDocument);
    expect((await ownerApi.get(`/projects/${project.id}/documents/${document.id}`)).body).toEqual(before);
    const codes = (await ownerApi.get(`/projects/${project.id}/codes`)).body as { id: string }[];
    expect(codes.map((c) => c.id)).toEqual([code.id]);
    // A write to the codebook schedules a compaction; it must keep the quarantined row.
    expect((await ownerApi.post(`/projects/${project.id}/codes`, { name: 'Barrier' })).status).toBe(201);
    await eventually(async () => {
      const again = await ownerApi.get(`/projects/${project.id}/health`);
      expect(again.body.quarantinedUpdates).toHaveLength(1);
    });
    await second.stop();

    const after = new Database(path.join(dataDir, 'cocode.sqlite'), { readonly: true });
    const keptSnapshot = (after.prepare('SELECT state FROM ydoc_snapshots WHERE name = ?').get(layerName) as { state: Buffer }).state;
    expect(Buffer.compare(keptSnapshot, truncated)).toBe(0);
    expect(after.prepare('SELECT id FROM ydoc_updates WHERE id = ?').get(badRowId)).toEqual({ id: badRowId });
    after.close();

    const third = await startTestServer({}, dataDir);
    const names = ((await new Api(third.url, owner.token).get(`/projects/${project.id}/codes`)).body as { name: string }[]).map((c) => c.name);
    expect(names.sort()).toEqual(['Barrier', 'Enabler']);
    await third.dispose();
  });
});
