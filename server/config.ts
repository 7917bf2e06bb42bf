/**
 * Every default and limit of a cocode server in one typed object; units are part of the names.
 * Environment variables override the defaults (see the configuration table in README.md).
 */
import path from 'node:path';
import { normaliseOrigin } from './auth/originCheck';

export interface Limits {
  /** Largest JSON body a REST route accepts. */
  restBodyBytes: number;
  /** Longest transcript text accepted on import or by edits (UTF-16 code units). */
  transcriptMaxChars: number;
  /** Largest encoded Y.Doc the server keeps (snapshot + log). */
  documentMaxBytes: number;
  /** Most codings a single layer may hold. */
  codingsPerLayerMax: number;
  /** Largest websocket frame; bigger frames close the socket with 1009. */
  websocketMaxPayloadBytes: number;
  /** Most simultaneous connections to one document. */
  connectionsPerDocumentMax: number;
  /** Messages a socket may send before it has authenticated. */
  preAuthMaxMessages: number;
  /** Bytes a socket may send before it has authenticated. */
  preAuthMaxBytes: number;
  /** Time from socket open to successful authentication. */
  preAuthDeadlineMs: number;
  loginAttemptsPerMinutePerIp: number;
  loginAttemptsPerMinutePerAccount: number;
  passwordMinChars: number;
  nameMaxChars: number;
  memoMaxChars: number;
  codeTextFieldMaxChars: number;
  codesPerProjectMax: number;
  /** Largest transcript file (TXT, MD, DOCX, VTT, SRT) accepted for import. */
  transcriptFileMaxBytes: number;
  /** Most bytes a DOCX may unpack to (all its parts together): a guard against zip bombs. */
  docxUnpackedMaxBytes: number;
  /** Largest participant-attribute sheet (CSV) accepted. */
  attributeSheetMaxBytes: number;
  attributeSheetRowsMax: number;
  /** Most speaker labels an owner may list for the custom speaker pattern. */
  speakerLabelsMax: number;
  /** Most entries of a pseudonymisation mapping. */
  pseudonymEntriesMax: number;
  /** Largest REFI-QDA archive (.qdpx) or codebook (.qdc) accepted for import. */
  importMaxBytes: number;
  /** Most transcript files one documents-import request may carry. */
  importFilesMax: number;
  /** Most entries an imported zip may list in its central directory. */
  zipEntriesMax: number;
  /** Most bytes an imported zip may inflate to, declared or real, over all entries read. */
  zipUncompressedMaxBytes: number;
  /** Highest uncompressed/compressed size ratio of an imported zip (zip bombs reach 1000:1). */
  zipCompressionRatioMax: number;
  /** Deepest element nesting an imported XML file may have. */
  xmlDepthMax: number;
  /** How long a REST change waits for Redis to take its access event for the other instances (SPEC S1). */
  accessEventPublishWaitMs: number;
  /** Most transcripts and coders one calibration round may name. */
  roundDocumentsMax: number;
  roundCodersMax: number;
  /** Websocket edits of a codebook within this quiet time become one codebook version. */
  codebookEditVersionDebounceMs: number;
  /** How long an adjudicator's claim on a disagreement lasts unless renewed (SPEC Q3). */
  reconciliationClaimTtlMs: number;
}

export interface CocodeConfig {
  port: number;
  host: string;
  /** Folder for the embedded SQLite store. */
  dataDir: string;
  /** `postgres://…`: store everything in PostgreSQL instead of SQLite. */
  databaseUrl: string | null;
  /** `redis://…`: share live documents with other cocode processes through Redis. */
  redisUrl: string | null;
  /** Prefix of this deployment's Redis channels and keys. */
  redisPrefix: string;
  /** Anyone may register (otherwise only the first account and invited emails). */
  openRegistration: boolean;
  /** Create the demo project on first start with an empty store. */
  seedDemo: boolean;
  /**
   * Origins the web page is served from (`COCODE_PUBLIC_URL`, comma-separated), e.g.
   * `https://cocode.example.org`; empty: the origin of the host each request names.
   */
  publicOrigins: string[];
  /** Password of the demo accounts; null: a random one, printed at start. */
  demoPassword: string | null;
  /** Serve the web page (building it on first start when missing). */
  serveClient: boolean;
  /** Built client to serve. */
  clientDistDir: string;
  sessionTtlMs: number;
  /** Debounce of the snapshot compaction (the durable log makes every update safe before it). */
  storeDebounceMs: number;
  storeMaxDebounceMs: number;
  /** Print request and lifecycle logs. */
  quiet: boolean;
  limits: Limits;
}

export const defaultLimits: Limits = {
  restBodyBytes: 2 * 1024 * 1024,
  transcriptMaxChars: 1_000_000,
  documentMaxBytes: 16 * 1024 * 1024,
  codingsPerLayerMax: 20_000,
  websocketMaxPayloadBytes: 4 * 1024 * 1024,
  connectionsPerDocumentMax: 100,
  preAuthMaxMessages: 100,
  preAuthMaxBytes: 1024 * 1024,
  preAuthDeadlineMs: 10_000,
  loginAttemptsPerMinutePerIp: 30,
  loginAttemptsPerMinutePerAccount: 10,
  passwordMinChars: 8,
  nameMaxChars: 200,
  memoMaxChars: 10_000,
  codeTextFieldMaxChars: 5_000,
  codesPerProjectMax: 2_000,
  transcriptFileMaxBytes: 20 * 1024 * 1024,
  docxUnpackedMaxBytes: 100 * 1024 * 1024,
  attributeSheetMaxBytes: 2 * 1024 * 1024,
  attributeSheetRowsMax: 10_000,
  speakerLabelsMax: 200,
  pseudonymEntriesMax: 5_000,
  importMaxBytes: 100 * 1024 * 1024,
  importFilesMax: 50,
  zipEntriesMax: 10_000,
  zipUncompressedMaxBytes: 512 * 1024 * 1024,
  zipCompressionRatioMax: 200,
  xmlDepthMax: 256,
  accessEventPublishWaitMs: 2_000,
  roundDocumentsMax: 500,
  roundCodersMax: 50,
  codebookEditVersionDebounceMs: 2_000,
  reconciliationClaimTtlMs: 5 * 60_000,
};

const repoRoot = path.resolve(import.meta.dirname, '..');

export const defaultConfig: CocodeConfig = {
  port: 3000,
  host: '0.0.0.0',
  dataDir: path.resolve('data'),
  databaseUrl: null,
  redisUrl: null,
  redisPrefix: 'cocode',
  openRegistration: false,
  seedDemo: true,
  demoPassword: null,
  publicOrigins: [],
  serveClient: true,
  clientDistDir: path.join(repoRoot, 'client', 'dist'),
  sessionTtlMs: 30 * 24 * 60 * 60 * 1000,
  storeDebounceMs: 2_000,
  storeMaxDebounceMs: 10_000,
  quiet: false,
  limits: defaultLimits,
};

function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return value === '1' || value.toLowerCase() === 'true';
}

function envInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

/** Defaults, then environment variables, then explicit overrides (tests pass overrides). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<CocodeConfig> = {}): CocodeConfig {
  const fromEnv: Partial<CocodeConfig> = {};
  const port = envInteger('PORT', env.PORT);
  if (port !== undefined) fromEnv.port = port;
  if (env.HOST) fromEnv.host = env.HOST;
  if (env.COCODE_DATA_DIR) fromEnv.dataDir = path.resolve(env.COCODE_DATA_DIR);
  if (env.DATABASE_URL) fromEnv.databaseUrl = env.DATABASE_URL;
  if (env.REDIS_URL) fromEnv.redisUrl = env.REDIS_URL;
  if (env.COCODE_REDIS_PREFIX) fromEnv.redisPrefix = env.COCODE_REDIS_PREFIX;
  const open = envFlag(env.COCODE_OPEN_REGISTRATION);
  if (open !== undefined) fromEnv.openRegistration = open;
  const demo = envFlag(env.COCODE_DEMO);
  if (demo !== undefined) fromEnv.seedDemo = demo;
  if (env.COCODE_DEMO_PASSWORD) fromEnv.demoPassword = env.COCODE_DEMO_PASSWORD;
  if (env.COCODE_PUBLIC_URL) fromEnv.publicOrigins = publicOriginsFrom(env.COCODE_PUBLIC_URL);
  const serveClient = envFlag(env.COCODE_SERVE_CLIENT);
  if (serveClient !== undefined) fromEnv.serveClient = serveClient;
  const quiet = envFlag(env.COCODE_QUIET);
  if (quiet !== undefined) fromEnv.quiet = quiet;
  return {
    ...defaultConfig,
    ...fromEnv,
    ...overrides,
    limits: { ...defaultLimits, ...overrides.limits },
  };
}

function publicOriginsFrom(list: string): string[] {
  return list.split(',').map((entry) => {
    const origin = normaliseOrigin(entry.trim());
    if (!origin) throw new Error(`COCODE_PUBLIC_URL: "${entry.trim()}" is not an http(s) URL`);
    return origin;
  });
}
