/**
 * The one place that formats and parses collaborative document names. Client and server never
 * build a name by hand: every name is `<kind>:<ids…>` with ids that cannot contain `:`.
 */

export type CollabDocumentName =
  | { kind: 'codebook'; projectId: string }
  | { kind: 'transcript'; documentId: string }
  | { kind: 'layer'; documentId: string; coderId: string }
  | { kind: 'consensus'; documentId: string };

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

function assertId(id: string, what: string): string {
  if (!idPattern.test(id)) throw new Error(`invalid ${what} in document name: ${JSON.stringify(id)}`);
  return id;
}

export const documentNames = {
  codebook: (projectId: string) => `codebook:${assertId(projectId, 'project id')}`,
  transcript: (documentId: string) => `transcript:${assertId(documentId, 'document id')}`,
  layer: (documentId: string, coderId: string) =>
    `layer:${assertId(documentId, 'document id')}:${assertId(coderId, 'coder id')}`,
  consensus: (documentId: string) => `consensus:${assertId(documentId, 'document id')}`,
  format(name: CollabDocumentName): string {
    switch (name.kind) {
      case 'codebook':
        return documentNames.codebook(name.projectId);
      case 'transcript':
        return documentNames.transcript(name.documentId);
      case 'layer':
        return documentNames.layer(name.documentId, name.coderId);
      case 'consensus':
        return documentNames.consensus(name.documentId);
    }
  },
};

/** Parses a document name; returns null for anything that is not exactly one of the known forms. */
export function parseDocumentName(name: string): CollabDocumentName | null {
  if (typeof name !== 'string' || name.length > 200) return null;
  const parts = name.split(':');
  if (!parts.every((part, index) => index === 0 || idPattern.test(part))) return null;
  const [kind, first, second] = parts;
  if (kind === 'codebook' && parts.length === 2) return { kind, projectId: first };
  if (kind === 'transcript' && parts.length === 2) return { kind, documentId: first };
  if (kind === 'consensus' && parts.length === 2) return { kind, documentId: first };
  if (kind === 'layer' && parts.length === 3) return { kind, documentId: first, coderId: second };
  return null;
}
