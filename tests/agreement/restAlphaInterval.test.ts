/** [G4] The REST report's alpha interval: units by default, `alphaInterval=hayes-krippendorff` on request. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectWithMembers, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const transcript = `Interviewer: Where does the money go?
Manager: Most of it goes on agency staff.
Nurse: We never see the budget.
Manager: The board signs it off in March.
Nurse: Nobody asked us.`;

describe('GET /api/projects/:projectId/agreement with alphaInterval', () => {
  let server: TestServer;
  let owner: TestUser;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer();
    const setup = await projectWithMembers(server, ['coder', 'coder'], { blind: false });
    owner = setup.owner;
    const projectId = setup.project.id;
    base = `/projects/${projectId}/agreement`;
    const codeId = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Budget' })).body.id;
    const documentId = (await owner.api.post(`/projects/${projectId}/documents`, { title: 'Ward', text: transcript, attributes: {} })).body.id;
    const text = (await owner.api.get(`/projects/${projectId}/documents/${documentId}`)).body.text as string;
    const code = async (coder: TestUser, quote: string) => {
      const start = text.indexOf(quote);
      expect((await coder.api.post(`/projects/${projectId}/documents/${documentId}/codings`, { codeId, start, end: start + quote.length })).status).toBe(201);
    };
    const [first, second] = setup.members;
    await code(first, 'money');
    await code(first, 'budget');
    await code(first, 'signs it off');
    await code(second, 'money');
    await code(second, 'agency staff');
    await code(second, 'budget');
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('resamples units for alpha unless asked otherwise, and the methods paragraph says so', async () => {
    const report = (await owner.api.get(`${base}?unit=turn&bootstrap=200&seed=3`)).body;
    const interval = report.overall.intervals.kripp_alpha_nominal;
    expect(interval.method).toBe('unit_resampling');
    // Five units: a few resamples hold no variation, alpha is undefined there and not counted.
    expect(interval.draws).toBeGreaterThan(150);
    expect(report.methodsText).toContain(`over the 5 units, ${interval.draws} resamples, seed 3`);
  });

  it('alphaInterval=hayes-krippendorff gives the labelled pairs interval with q', async () => {
    const report = (await owner.api.get(`${base}?unit=turn&bootstrap=200&seed=3&alphaInterval=hayes-krippendorff`)).body;
    const interval = report.overall.intervals.kripp_alpha_nominal;
    expect(interval.method).toBe('hayes_krippendorff_pairs');
    expect(Object.keys(interval.probabilityBelow)).toEqual(['0.667', '0.800']);
    expect(report.overall.intervals.gwet_ac1.method).toBe('unit_resampling');
    expect(report.methodsText).toContain('after Hayes & Krippendorff 2007');
  });

  it('[V1] refuses an unknown method and a method without bootstrap with 400 naming the parameter', async () => {
    const unknown = await owner.api.get(`${base}?bootstrap=200&alphaInterval=pairs`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toEqual({ code: 'invalid_parameter', message: 'alphaInterval must be units or hayes-krippendorff' });
    const alone = await owner.api.get(`${base}?alphaInterval=units`);
    expect(alone.status).toBe(400);
    expect(alone.body.error.message).toBe('alphaInterval applies only together with bootstrap');
  });
});
