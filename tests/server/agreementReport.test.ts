/** The project agreement report over REST: numbers from real codings, blind mode, validation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectWithMembers, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const transcript = `Interviewer: What helps?
GP: Protected time helps most.
Nurse: Data arrive too late.
GP: We meet every month.`;

describe('GET /api/projects/:projectId/agreement', () => {
  let server: TestServer;
  let owner: TestUser;
  let coderA: TestUser;
  let coderB: TestUser;
  let projectId: string;
  let documentId: string;
  let codeId: string;
  let text: string;

  beforeAll(async () => {
    server = await startTestServer();
    const setup = await projectWithMembers(server, ['coder', 'coder'], { blind: true });
    ({ owner } = setup);
    [coderA, coderB] = setup.members;
    projectId = setup.project.id;
    codeId = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Enabler' })).body.id;
    documentId = (await owner.api.post(`/projects/${projectId}/documents`, { title: 'I1', text: transcript, attributes: { role: 'GP' } })).body.id;
    text = (await owner.api.get(`/projects/${projectId}/documents/${documentId}`)).body.text;
    const code = async (coder: TestUser, quote: string) => {
      const start = text.indexOf(quote);
      expect((await coder.api.post(`/projects/${projectId}/documents/${documentId}/codings`, { codeId, start, end: start + quote.length })).status).toBe(201);
    };
    // Turn units: A codes turns 0 and 1, B codes turns 0 and 2; turn 3 nobody.
    await code(coderA, 'What helps');
    await code(coderA, 'Protected time');
    await code(coderB, 'helps?');
    await code(coderB, 'Data arrive');
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('[G6] computes per-code agreement on speaker turns from the coders\' layers', async () => {
    const response = await owner.api.get(`/projects/${projectId}/agreement?unit=turn`);
    expect(response.status).toBe(200);
    const report = response.body;
    expect(report.coders.map((c: { id: string }) => c.id).sort()).toEqual([coderA.id, coderB.id].sort());
    const [enabler] = report.byCode;
    expect(enabler.name).toBe('Enabler');
    expect(enabler.units).toBe(4);
    // Units (A, B): (1,1) (1,0) (0,1) (0,0): Do = 4/8, De = 2·4·4/(8·7), alpha = 1 − Do/De = 0.125.
    expect(enabler.statistics.kripp_alpha_nominal).toBeCloseTo(0.125, 12);
    expect(enabler.statistics.percent_agreement_pairwise).toBeCloseTo(0.5, 12);
    expect(enabler.usesByCoder).toEqual({ [coderA.id]: 2, [coderB.id]: 2 });
    expect(report.byCoderPair).toHaveLength(1);
    expect(report.byGroup).toEqual([expect.objectContaining({ attribute: 'role', value: 'GP', documents: 1 })]);
    expect(report.byDocument[0]).toMatchObject({ documentId, units: 4 });
    expect(report.overall.unitized.u_alpha).toEqual(expect.any(Number));
    expect(report.methodsText).toContain('Krippendorff');
    expect(report.methodsText).toContain('4 speaker turns');
  });

  it('diagnostics name codes and coders, never ids, and say which part of the report they are about', async () => {
    const report = (await owner.api.get(`/projects/${projectId}/agreement?unit=turn`)).body;
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
    expect(report.diagnostics.length).toBeGreaterThan(0);
    for (const item of report.diagnostics) {
      expect(item.message).not.toMatch(uuid);
      expect(item.about.kind).toMatch(/^(overall|code|pair|document|group|unitized)$/);
    }
    const aboutEnabler = report.diagnostics.filter((item: { about: { kind: string; id?: string } }) => item.about.kind === 'code');
    expect(aboutEnabler.every((item: { about: { id: string } }) => item.about.id === codeId)).toBe(true);
    expect(report.diagnostics.some((item: { message: string }) => /"1"|"0"/.test(item.message))).toBe(false);
  });

  it('[G6] a whole-document unit sees full agreement (both coded the code somewhere)', async () => {
    const report = (await owner.api.get(`/projects/${projectId}/agreement?unit=document`)).body;
    expect(report.byCode[0].statistics.percent_agreement_pairwise).toBe(1);
  });

  it('[G4] bootstrap intervals are reproducible for a seed', async () => {
    const first = (await owner.api.get(`/projects/${projectId}/agreement?unit=sentence&bootstrap=200&seed=9`)).body;
    const second = (await owner.api.get(`/projects/${projectId}/agreement?unit=sentence&bootstrap=200&seed=9`)).body;
    expect(first.overall.intervals.percent_agreement_pairwise).toBeDefined();
    expect(first.overall.intervals).toEqual(second.overall.intervals);
  });

  it('[A3] in blind mode coders cannot see agreement; owners can', async () => {
    const refused = await coderA.api.get(`/projects/${projectId}/agreement`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/blind mode/);
  });

  it('[V1] parameters are validated', async () => {
    const base = `/projects/${projectId}/agreement`;
    expect((await owner.api.get(`${base}?unit=page`)).body.error.message).toMatch(/unit must be/);
    expect((await owner.api.get(`${base}?unit=window&size=3`)).body.error.message).toMatch(/size/);
    expect((await owner.api.get(`${base}?bootstrap=5`)).body.error.message).toMatch(/bootstrap/);
    expect((await owner.api.get(`${base}?documents=nope`)).body.error.code).toBe('unknown_document');
    expect((await owner.api.get(`${base}?coders=${coderA.id}`)).body.error.code).toBe('too_few_coders');
  });
});
