/**
 * SPEC D2: server-side reads and writes reach the live document that editors are connected to.
 * The gateway unloads a document it opened once it has been idle a while; by then that copy may
 * already have left memory another way and a newer copy been loaded for an editor. The late idle
 * unload must leave the newer copy alone: Hocuspocus unloads by name, so without the check it
 * dropped the editor's copy from its map, the next REST write loaded a third copy, and the
 * editor never saw it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentNames } from '../../shared/collab/documentNames';
import { readCodes } from '../../shared/collab/schema';
import { eventually } from '../helpers/poll';
import { connectProvider } from '../helpers/providers';
import { projectWithMembers, startTestServer, type TestServer } from '../helpers/server';

/** The gateway's idle unload delay (server/collab/gateway.ts), plus a margin. */
const idleUnloadWaitMs = 5_000 + 1_500;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.dispose();
});

describe('[D2] the gateway and a reloaded document', () => {
  it('an idle unload of an earlier copy leaves the copy an editor holds live, so REST writes reach the editor', { timeout: 30_000 }, async () => {
    const { owner, project } = await projectWithMembers(server, []);
    const name = documentNames.codebook(project.id);
    const { hocuspocus } = server;
    // A read through the gateway: its idle unload of this copy is now pending.
    expect((await owner.api.get(`/projects/${project.id}/codes`)).status).toBe(200);
    const earlier = hocuspocus.documents.get(name);
    expect(earlier).toBeDefined();
    // The copy leaves memory another way first, as after a debounced store.
    const storeId = `onStoreDocument-${name}`;
    if (hocuspocus.debouncer.isDebounced(storeId)) await hocuspocus.debouncer.executeNow(storeId);
    if (earlier) await hocuspocus.unloadDocument(earlier);
    await eventually(() => expect(hocuspocus.documents.has(name)).toBe(false));

    const editor = connectProvider(server.wsUrl, name, owner.token);
    try {
      await editor.synced;
      const live = hocuspocus.documents.get(name);
      expect(live).not.toBe(earlier);
      // The earlier copy's idle unload comes due now.
      await new Promise((resolve) => setTimeout(resolve, idleUnloadWaitMs));
      expect(hocuspocus.documents.get(name)).toBe(live);
      expect((await owner.api.post(`/projects/${project.id}/codes`, { name: 'Written after the idle unload' })).status).toBe(201);
      await eventually(() => expect(readCodes(editor.doc).map((code) => code.name)).toContain('Written after the idle unload'));
    } finally {
      editor.destroy();
    }
  });
});
