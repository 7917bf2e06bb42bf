/**
 * The demo project created on first start with an empty store: an original codebook for a study
 * of clinical leadership in commissioning, three short original interviews, and a few codings by
 * two coders, so co-coding, agreement and reconciliation can be tried at once.
 */
import { randomBytes } from 'node:crypto';
import type { ProjectRole } from '../shared/authz';
import type { Services } from './services';
import type { RelationalStore, UserRecord } from './storage/types';

const accounts: { email: string; name: string; role: ProjectRole }[] = [
  { email: 'lead@demo.cocode', name: 'Amira Shah', role: 'owner' },
  { email: 'coder1@demo.cocode', name: 'Tom Reilly', role: 'coder' },
  { email: 'coder2@demo.cocode', name: 'Grace Obi', role: 'coder' },
  { email: 'adjudicator@demo.cocode', name: 'Priya Natarajan', role: 'adjudicator' },
];

const codebook: { name: string; color: string; definition: string; inclusion?: string; exclusion?: string; children: { name: string; definition: string; example?: string }[] }[] = [
  {
    name: 'Enabler',
    color: '#2e7d32',
    definition: 'Something the participant describes as making clinical leadership in commissioning possible or easier.',
    inclusion: 'Conditions, resources or relationships credited with helping clinicians lead.',
    exclusion: 'Benefits that result from leadership (code those under Benefit targeted).',
    children: [
      { name: 'Protected time', definition: 'Sessions or backfill that free clinicians from practice work for commissioning.', example: 'two funded sessions a week' },
      { name: 'Trusted relationships', definition: 'Relationships with practices, providers or managers that give a clinical lead credibility.' },
      { name: 'Access to data', definition: 'Timely, usable information about activity, outcomes or spend.' },
    ],
  },
  {
    name: 'Blocker',
    color: '#c62828',
    definition: 'Something the participant describes as hindering or discouraging clinical leadership in commissioning.',
    exclusion: 'General complaints about the health system that are not tied to leading commissioning.',
    children: [
      { name: 'Bureaucracy', definition: 'Reporting, assurance and process burden that crowds out clinical input.' },
      { name: 'Conflict of interest', definition: 'Tension between a clinician\'s role as provider and as commissioner.' },
      { name: 'Weak management support', definition: 'Too little managerial or analytical capacity behind clinical leads.' },
    ],
  },
  {
    name: 'Mode of engagement',
    color: '#1565c0',
    definition: 'How clinicians take part in commissioning decisions.',
    children: [
      { name: 'Formal role', definition: 'Governing body seats, committee membership, named lead roles.' },
      { name: 'Informal influence', definition: 'Corridor conversations, peer networks, persuasion outside formal meetings.' },
      { name: 'Patient involvement', definition: 'Patients or the public engaged in shaping commissioning decisions.' },
    ],
  },
  {
    name: 'Benefit targeted',
    color: '#6a1b9a',
    definition: 'The improvement the participant says clinical leadership aims at or achieved.',
    children: [
      { name: 'Service redesign', definition: 'A pathway or service moved, merged or rebuilt.' },
      { name: 'Quality improvement', definition: 'Better outcomes, safety or experience within an existing service.' },
      { name: 'Financial balance', definition: 'Containing spend or shifting money between budgets.' },
    ],
  },
];

const interviews: { title: string; attributes: Record<string, string>; text: string }[] = [
  {
    title: 'Interview 01: GP clinical lead',
    attributes: { role: 'GP', site: 'North locality', participant: 'P1' },
    text: `Interviewer: Could you start by describing your role in the group?
P1: I'm a GP partner and I chair the planned care board. I have two funded sessions a week for it, which sounds generous until you see the papers.
Interviewer: What makes it possible to do that work well?
P1: Honestly, the protected time matters most. Without the backfill for my practice I couldn't be in the room. And I've known most of the practice managers for fifteen years, so when I ring them they pick up.
Interviewer: And what gets in the way?
P1: The assurance machine. Every decision goes through three committees and a template, and by the time it comes back the clinicians have lost interest.
P1: There's also the awkwardness of commissioning services from colleagues down the road. You declare the interest, you step out of the room, but people still talk.
Interviewer: Can you give an example where clinical leadership changed something?
P1: We moved the diabetes clinic out of the hospital into three hubs. That only happened because GPs went to the consultants directly, over coffee, not through the formal process.`,
  },
  {
    title: 'Interview 02: Practice nurse',
    attributes: { role: 'nurse', site: 'South locality', participant: 'P2' },
    text: `Interviewer: How are nurses involved in commissioning decisions here?
P2: Mostly we're not, to be frank. There is a nurse seat on the governing body but it rotates and nobody has time to prepare.
Interviewer: What would help?
P2: Someone to pull the numbers together for us. The data exists, but it arrives as forty-page spreadsheets three months late.
P2: When the respiratory team did give us a simple dashboard, we spotted that inhaler reviews were being missed and fixed it within a quarter.
Interviewer: Do patients have a voice in this?
P2: The patient panel came to one of our meetings and asked why they had to travel across town for a wound dressing. That question did more than a year of our papers.`,
  },
  {
    title: 'Interview 03: Health and Wellbeing Board member',
    attributes: { role: 'HWB member', site: 'County', participant: 'P3' },
    text: `Interviewer: From the board's perspective, what do clinical leaders bring?
P3: Credibility, mainly. When a GP stands up and says a pathway is unsafe, councillors listen in a way they don't listen to managers.
Interviewer: Where does it fall short?
P3: The clinicians are stretched thin. They turn up to the board without briefing because the support staff were cut in the last restructure.
P3: And there's a tendency to argue for what helps general practice, which is understandable but not always what the population needs.
Interviewer: What outcome would you want from stronger clinical leadership?
P3: Fewer people falling between health and social care. And frankly, a budget that balances without closing the day centres.`,
  },
];

/** Codings by the two demo coders: [interview, coder, code name, quoted words]. */
const demoCodings: [number, 1 | 2, string, string][] = [
  [0, 1, 'Protected time', 'I have two funded sessions a week for it'],
  [0, 2, 'Protected time', 'the protected time matters most'],
  [0, 1, 'Trusted relationships', "I've known most of the practice managers for fifteen years"],
  [0, 2, 'Trusted relationships', "I've known most of the practice managers for fifteen years, so when I ring them they pick up"],
  [0, 1, 'Bureaucracy', 'Every decision goes through three committees and a template'],
  [0, 2, 'Bureaucracy', 'The assurance machine'],
  [0, 1, 'Conflict of interest', 'commissioning services from colleagues down the road'],
  [0, 2, 'Conflict of interest', 'commissioning services from colleagues down the road'],
  [0, 1, 'Service redesign', 'We moved the diabetes clinic out of the hospital into three hubs'],
  [0, 2, 'Informal influence', 'GPs went to the consultants directly, over coffee'],
  [1, 1, 'Formal role', 'There is a nurse seat on the governing body'],
  [1, 2, 'Weak management support', 'Someone to pull the numbers together for us'],
  [1, 1, 'Access to data', 'it arrives as forty-page spreadsheets three months late'],
  [1, 2, 'Access to data', 'The data exists, but it arrives as forty-page spreadsheets three months late'],
  [1, 1, 'Quality improvement', 'we spotted that inhaler reviews were being missed and fixed it within a quarter'],
  [1, 2, 'Patient involvement', 'The patient panel came to one of our meetings'],
];

export interface DemoSummary {
  projectName: string;
  projectId: string;
  accounts: { email: string; password: string; role: ProjectRole }[];
}

/** A password for the demo accounts when none is configured: random, so no instance shares one (SPEC A10). */
export function randomDemoPassword(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Creates the demo project when the store has no accounts yet; returns null otherwise. The demo
 * accounts are not instance admins: the first real account registered becomes the admin (SPEC A10).
 */
export async function seedDemoProject(services: Services, store: RelationalStore, demoPassword: string): Promise<DemoSummary | null> {
  if ((await store.countUsers()) > 0) return null;
  const users: UserRecord[] = [];
  const asDemo = { demo: true };
  const owner = await services.accounts.register({ email: accounts[0].email, name: accounts[0].name, password: demoPassword }, asDemo);
  users.push(owner);
  const project = await services.projects.create(owner, { name: 'Clinical leadership in commissioning (demo)', blind: false });
  for (const account of accounts.slice(1)) {
    await services.projects.addMember(owner, project.id, { email: account.email, role: account.role });
    users.push(await services.accounts.register({ email: account.email, name: account.name, password: demoPassword }, asDemo));
  }

  const codeIds = new Map<string, string>();
  for (const [order, group] of codebook.entries()) {
    const { children, ...fields } = group;
    const parent = await services.codebook.create(owner, project.id, { ...fields, order });
    codeIds.set(parent.name, parent.id);
    for (const [childOrder, child] of children.entries()) {
      const code = await services.codebook.create(owner, project.id, { ...child, parentId: parent.id, color: group.color, order: childOrder });
      codeIds.set(code.name, code.id);
    }
  }

  const documents = [];
  for (const interview of interviews) documents.push(await services.documents.create(owner, project.id, interview));

  for (const [interviewIndex, coderNumber, codeName, quote] of demoCodings) {
    const document = documents[interviewIndex];
    const { text } = await services.documents.get(owner, project.id, document.id);
    const start = text.indexOf(quote);
    if (start < 0) throw new Error(`demo coding quote not found: ${quote}`);
    await services.codings.create(users[coderNumber], project.id, document.id, {
      codeId: codeIds.get(codeName) as string,
      start,
      end: start + quote.length,
    });
  }

  return {
    projectName: project.name,
    projectId: project.id,
    accounts: accounts.map((account) => ({ email: account.email, password: demoPassword, role: account.role })),
  };
}
