/**
 * GUIDs for REFI-QDA. Our ids are not GUIDs, so the writer derives a stable one from each id
 * (RFC 4122 version 5, SHA-1 of a kind-qualified name), and an id that already is a GUID (an object
 * first imported from another tool) keeps it, so re-exporting updates that tool's objects.
 */
import { createHash } from 'node:crypto';

/** A fixed namespace for cocode's name-based GUIDs (itself a random v4 UUID). */
const cocodeNamespace = Buffer.from('6f0f7c1e4b7a4d2c9a3e5b1d8c2f4a60', 'hex');

const guidPattern = /^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/;

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}

export type GuidKind = 'user' | 'code' | 'source' | 'selection' | 'coding' | 'variable' | 'case' | 'note' | 'project';

export function guidFor(kind: GuidKind, id: string): string {
  if (isGuid(id)) return id.replace(/[{}]/g, '').toLowerCase();
  const hash = createHash('sha1').update(cocodeNamespace).update(`${kind}:${id}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * How references are compared on import: case-insensitive, braces stripped (notes §7.6). Values
 * that are not real UUIDs (qc, hand-made files) are compared the same way, trimmed.
 */
export function guidKey(value: string): string {
  return value.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
}
