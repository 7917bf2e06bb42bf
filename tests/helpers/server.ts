/** A real cocode server on port 0 with its own SQLite file, plus a small typed REST client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CocodeServer, startCocodeServer } from '../../server/app';
import { type CocodeConfig, loadConfig } from '../../server/config';

export interface TestServer extends CocodeServer {
  dataDir: string;
  wsUrl: string;
  /** Closes the server; the data folder is kept so a test can restart on it. */
  stop(): Promise<void>;
  /** Closes the server and deletes its data folder. */
  dispose(): Promise<void>;
}

export function makeDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'cocode-test-'));
}

export async function startTestServer(overrides: Partial<CocodeConfig> = {}, dataDir = makeDataDir()): Promise<TestServer> {
  const server = await startCocodeServer(
    loadConfig({}, {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      quiet: true,
      // Most tests create several owners; the invitation-only rule has its own test.
      openRegistration: true,
      clientDistDir: path.join(dataDir, 'no-client'),
      ...overrides,
    }),
  );
  return {
    ...server,
    dataDir,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/collab`,
    stop: () => server.close(),
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A REST client bound to one credential. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
  ) {}

  as(token: string | null): Api {
    return new Api(this.baseUrl, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}/api${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
  api: Api;
}

let emailCounter = 0;

/** Registers an account (first on a server: the admin; later ones need an invitation or open registration). */
export async function registerUser(server: { url: string }, name = 'Test User', email?: string): Promise<TestUser> {
  emailCounter += 1;
  const address = email ?? `user${emailCounter}-${Date.now()}@example.org`;
  const api = new Api(server.url);
  const response = await api.post('/auth/register', { email: address, password: 'correct horse battery', name });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.user.id, email: address, token: response.body.token, api: api.as(response.body.token) };
}

/** An owner with a project; invited members join by registering with the invited email. */
export async function projectWithMembers(
  server: { url: string },
  roles: ('adjudicator' | 'coder' | 'viewer')[],
  options: { blind?: boolean } = {},
) {
  const owner = await registerUser(server, 'Owner');
  const project = (await owner.api.post('/projects', { name: 'Study', blind: options.blind ?? false })).body;
  const members: TestUser[] = [];
  for (const [index, role] of roles.entries()) {
    const email = `${role}${index}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.org`;
    const invited = await owner.api.post(`/projects/${project.id}/members`, { email, role });
    if (invited.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invited.body)}`);
    members.push(await registerUser(server, `${role} ${index}`, email));
  }
  return { owner, project, members };
}

export const sampleTranscript = `Interviewer: What helps you lead in the group?
GP: Protected time, mostly. Two sessions a week are funded.
Interviewer: And what gets in the way?
GP: The paperwork. Every decision needs three sign-offs.`;
