/** SPEC D1–D3: a restart keeps everything; a SIGKILL loses nothing that had been acknowledged. */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentNames } from '../../shared/collab/documentNames';
import { readCodings } from '../../shared/collab/schema';
import { startChildServer } from '../helpers/childServer';
import { eventually } from '../helpers/poll';
import { connectProvider } from '../helpers/providers';
import { Api, makeDataDir, projectWithMembers, sampleTranscript, startTestServer } from '../helpers/server';

describe('restart and crash', () => {
  it('[D3] a restart with the same data folder keeps accounts, projects, codebook, transcripts and codings', async () => {
    const dataDir = makeDataDir();
    const first = await startTestServer({}, dataDir);
    const { owner, project, members } = await projectWithMembers(first, ['coder']);
    const code = (await owner.api.post(`/projects/${project.id}/codes`, { name: 'Enabler', definition: 'Helps' })).body;
    const document = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'I1', text: sampleTranscript })).body;
    const coding = (
      await members[0].api.post(`/projects/${project.id}/documents/${document.id}/codings`, { codeId: code.id, start: 0, end: 10, memo: 'm' })
    ).body;
    const snapshotOf = async (api: Api) => ({
      projects: (await api.get('/projects')).body,
      codes: (await api.get(`/projects/${project.id}/codes`)).body,
      document: (await api.get(`/projects/${project.id}/documents/${document.id}`)).body,
      codings: (await api.get(`/projects/${project.id}/documents/${document.id}/codings?layer=all`)).body,
    });
    const before = await snapshotOf(owner.api);
    expect(before.codings.map((c: { id: string }) => c.id)).toEqual([coding.id]);
    await first.stop();

    const second = await startTestServer({}, dataDir);
    const after = await snapshotOf(new Api(second.url, owner.token));
    expect(after).toEqual(before);
    await second.dispose();
  });

  it('[D1] a server killed with SIGKILL right after acknowledging writes loses none of them', async () => {
    const dataDir = makeDataDir();
    const first = await startChildServer(dataDir);
    const owner = new Api(first.url);
    const registered = await owner.post('/auth/register', { email: 'o@example.org', password: 'correct horse battery', name: 'O' });
    const api = owner.as(registered.body.token);
    const project = (await api.post('/projects', { name: 'Crash' })).body;
    const code = (await api.post(`/projects/${project.id}/codes`, { name: 'Enabler' })).body;
    const document = (await api.post(`/projects/${project.id}/documents`, { title: 'I', text: sampleTranscript })).body;
    const layerName = documentNames.layer(document.id, registered.body.user.id);

    // A live observer: anything it receives had been applied and broadcast by the server.
    const observer = connectProvider(first.wsUrl, layerName, registered.body.token);
    await observer.synced;
    const acknowledged: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const response = await api.post(`/projects/${project.id}/documents/${document.id}/codings`, {
        codeId: code.id,
        start: i,
        end: i + 3,
      });
      expect(response.status).toBe(201);
      acknowledged.push(response.body.id);
    }
    await eventually(() => expect(readCodings(observer.doc)).toHaveLength(25));
    // No graceful shutdown: the debounced snapshot never ran for these writes.
    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    observer.destroy();

    const second = await startChildServer(dataDir);
    const codings = (await new Api(second.url, registered.body.token).get(`/projects/${project.id}/documents/${document.id}/codings?layer=me`))
      .body as { id: string }[];
    expect(codings.map((c) => c.id).sort()).toEqual([...acknowledged].sort());
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
