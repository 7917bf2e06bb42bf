/**
 * Codings written over the websocket meet the rules REST enforces (SPEC K1–K4): a frame that
 * writes a coding field breaking a rule of shared/collab/codingRules.ts is refused before it is
 * applied, so nothing of it is stored, logged (D1) or broadcast, and no reader ever sees it. The
 * sender's connection to that layer is closed with 4406 "Invalid Coding" and the refusal is
 * recorded with the rule, the document and the user (H8). Frames of the y-websocket bridge pass
 * the same hook. Read-only connections are skipped: their updates are never applied (A4).
 *
 * What an update writes into a layer's `codings` map is read from its decoded structs:
 * - a coding: an item whose parent is the root map `codings`, keyed by the coding id, holding a
 *   Y.Map;
 * - a field: an item whose parent is a coding's map item (new in this update, or already in the
 *   document), keyed by the field name, holding a plain value.
 * An item that continues another one (an overwritten field, the next element of a list) carries no
 * parent in the encoding; it has the parent of the item it continues, looked up in the update or
 * else in the live document.
 */
import type { beforeHandleMessagePayload, Extension, onChangePayload } from '@hocuspocus/server';
import * as Y from 'yjs';
import { closeCodes } from '../../../shared/collab/closeCodes';
import {
  type CodingFieldLimits,
  type CodingProblem,
  codingFieldProblem,
  missingFieldProblem,
  requiredCodingFields,
} from '../../../shared/collab/codingRules';
import { type CollabDocumentName, parseDocumentName } from '../../../shared/collab/documentNames';
import { ydocKeys } from '../../../shared/collab/schema';
import type { Limits } from '../../config';
import type { RelationalStore } from '../../storage/types';
import type { CodebookCodeIds, ProjectCodebooks } from '../codebookCodes';
import type { CollabContext } from '../context';
import { incomingUpdate } from '../incomingUpdates';
import { documentStruct, UpdateItems } from '../updateStructs';
import type { Refusals } from '../refusals';

/** Where an item lands: under a root type (by name) or under the item holding a nested type. */
type Place = { root: string; key: string | null } | { parentItem: Y.ID; key: string | null };

/** Why an item has no place: its parent was collected (it lands nowhere), or is not known here. */
type NoPlace = 'collected' | 'missing';

interface FieldWrite {
  field: string | null;
  content: Y.Item['content'];
}

interface CodingWrite {
  codingId: string;
  /** Whether this update creates the coding: it must then carry the required fields. */
  isNew: boolean;
  /** The coding's map as the document holds it now; null for a coding not applied yet. */
  existing: Y.Map<unknown> | null;
  fields: FieldWrite[];
}

/**
 * How long an admitted update is looked at besides the document. Hocuspocus does not serialise a
 * socket's frames: the next frame can be checked while the previous one still waits for its hooks,
 * and its items continue or nest in that frame's items. Longer than an admitted update waits for
 * its apply (a durable append included); as in trackedLimit.ts.
 */
const inFlightMs = 2_000;

const codingsRoot = ydocKeys.layerCodings;

class UpdateReading {
  readonly items: UpdateItems;
  /** The codings this update creates, by their map item; filled by {@link codingWrites}. */
  readonly created = new Map<Y.Item, CodingWrite>();
  private readonly places = new Map<Y.Item, Place | NoPlace>();
  /** Compared by identity only: the root map an integrated item names as its parent. */
  private readonly codingsMap: unknown;

  constructor(
    private readonly doc: Y.Doc,
    private readonly structs: (Y.Item | Y.GC | Y.Skip)[],
    /** Admitted updates that may not be applied yet. */
    private readonly inFlight: readonly UpdateReading[],
  ) {
    this.items = new UpdateItems(structs);
    this.codingsMap = doc.share.get(codingsRoot);
  }

  /** The codings the update writes, or the problem of a write that is not a coding at all. */
  codingWrites(): CodingWrite[] | CodingProblem {
    const created = this.created;
    const touched = new Map<Y.Item, CodingWrite>();
    const fieldItems: { item: Y.Item; parentId: Y.ID; field: string | null }[] = [];
    for (const item of this.structs) {
      if (!(item instanceof Y.Item) || item.content instanceof Y.ContentDeleted) continue;
      const place = this.placeOf(item);
      if (place === 'collected') continue;
      if (place === 'missing')
        return { rule: 'K4', field: 'coding', message: `item ${item.id.client}:${item.id.clock} depends on content this document does not have` };
      if ('root' in place) {
        if (place.root !== codingsRoot) continue;
        if (place.key === null) return { rule: 'K4', field: 'coding', message: 'the codings map holds codings by id, not as a list' };
        if (!(item.content instanceof Y.ContentType && item.content.type instanceof Y.Map))
          return { rule: 'K4', field: 'coding', message: `coding ${place.key} must be a map of fields` };
        created.set(item, { codingId: place.key, isNew: true, existing: null, fields: [] });
      } else {
        fieldItems.push({ item, parentId: place.parentItem, field: place.key });
      }
    }
    for (const { item, parentId, field: key } of fieldItems) {
      const inUpdate = this.items.find(parentId);
      const inFlight = inUpdate ? null : this.inFlightItem(parentId);
      const parent = inUpdate ?? inFlight?.item ?? documentStruct(this.doc, parentId);
      if (!parent) return { rule: 'K4', field: 'coding', message: `item ${item.id.client}:${item.id.clock} is nested in content this document does not have` };
      const field: FieldWrite = { field: key, content: item.content };
      if (inUpdate) {
        // Inside a coding this update creates; deeper nesting is refused where its field is written.
        created.get(inUpdate)?.fields.push(field);
        continue;
      }
      if (inFlight) {
        // Inside a coding an admitted update created, which is not applied yet.
        const codingId = inFlight.reading.created.get(inFlight.item)?.codingId;
        if (codingId !== undefined) touched.set(inFlight.item, { codingId, isNew: false, existing: null, fields: [field] });
        continue;
      }
      const coding = this.existingCoding(parent);
      if (!coding) continue;
      let write = touched.get(coding.item);
      if (!write) {
        write = { codingId: coding.codingId, isNew: false, existing: coding.map, fields: [] };
        touched.set(coding.item, write);
      }
      write.fields.push(field);
    }
    return [...created.values(), ...touched.values()];
  }

  private inFlightItem(id: Y.ID): { item: Y.Item; reading: UpdateReading } | null {
    for (const reading of this.inFlight) {
      const item = reading.items.find(id);
      if (item) return { item, reading };
    }
    return null;
  }

  /** A coding of the live document, when `parent` is one (and not deleted). */
  private existingCoding(parent: Y.Item | Y.GC): { item: Y.Item; codingId: string; map: Y.Map<unknown> } | null {
    if (!(parent instanceof Y.Item) || parent.deleted || parent.parent !== this.codingsMap || parent.parentSub === null) return null;
    if (!(parent.content instanceof Y.ContentType && parent.content.type instanceof Y.Map)) return null;
    return { item: parent, codingId: parent.parentSub, map: parent.content.type as Y.Map<unknown> };
  }

  /**
   * Where `item` lands. An item without parent information lands where the item it continues
   * (its origin, or else its right origin) lands; chains are followed without recursion.
   */
  placeOf(item: Y.Item): Place | NoPlace {
    const chain: Y.Item[] = [];
    let place: Place | NoPlace | undefined;
    let current: Y.Item = item;
    while (place === undefined) {
      const known = this.places.get(current);
      if (known) {
        place = known;
        break;
      }
      chain.push(current);
      const parent: unknown = current.parent;
      if (typeof parent === 'string') {
        place = { root: parent, key: current.parentSub };
        break;
      }
      if (parent instanceof Y.ID) {
        place = { parentItem: parent, key: current.parentSub };
        break;
      }
      const continued = current.origin ?? current.rightOrigin;
      if (!continued) {
        place = 'missing';
        break;
      }
      const next = this.items.find(continued);
      if (next) {
        current = next;
        continue;
      }
      const inFlight = this.inFlightItem(continued);
      place = inFlight ? inFlight.reading.placeOf(inFlight.item) : this.placeInDocument(continued);
    }
    for (const link of chain) this.places.set(link, place);
    return place;
  }

  private placeInDocument(id: Y.ID): Place | NoPlace {
    const struct = documentStruct(this.doc, id);
    if (!struct) return 'missing';
    if (!(struct instanceof Y.Item)) return 'collected';
    const parent = struct.parent;
    if (!(parent instanceof Y.AbstractType)) return 'collected';
    if (parent._item) return { parentItem: parent._item.id, key: struct.parentSub };
    return { root: parent === this.codingsMap ? codingsRoot : 'another root type', key: struct.parentSub };
  }
}

/** The value a map field item holds, as `Y.Map.get` reads it: the last of its content. */
function fieldValue(content: Y.Item['content']): { value: unknown } | null {
  if (content instanceof Y.ContentAny) return { value: content.arr[content.arr.length - 1] };
  if (content instanceof Y.ContentBinary) return { value: content.content };
  return null;
}

export interface CodingValidationOptions {
  limits: Pick<Limits, 'memoMaxChars' | 'transcriptMaxChars'>;
  codebooks: ProjectCodebooks;
  /** For K3 in the consensus layer: the project's members. */
  store: Pick<RelationalStore, 'getRole'>;
  refusals: Refusals;
  log: (message: string) => void;
}

export class CodingValidationExtension implements Extension {
  extensionName = 'cocode-coding-validation';
  private readonly fieldLimits: CodingFieldLimits;
  private readonly codebooks: ProjectCodebooks;
  private readonly refusals: Refusals;
  private readonly log: (message: string) => void;
  private readonly inFlight = new WeakMap<Y.Doc, UpdateReading[]>();

  private readonly store: Pick<RelationalStore, 'getRole'>;

  constructor({ limits, codebooks, store, refusals, log }: CodingValidationOptions) {
    this.fieldLimits = { memoMaxChars: limits.memoMaxChars, quoteMaxChars: limits.transcriptMaxChars };
    this.codebooks = codebooks;
    this.store = store;
    this.refusals = refusals;
    this.log = log;
  }

  /** Any change of a codebook, by any path (websocket, REST, another instance), renews its code ids. */
  async onChange({ documentName }: onChangePayload): Promise<void> {
    const name = parseDocumentName(documentName);
    if (name?.kind === 'codebook') this.codebooks.forget(name.projectId);
  }

  async beforeHandleMessage({ connection, document, documentName, update, context }: beforeHandleMessagePayload): Promise<void> {
    if (connection.readOnly) return;
    const name = parseDocumentName(documentName);
    if (name?.kind !== 'layer' && name?.kind !== 'consensus') return;
    // Frames that do not decode were refused by the update validation, which runs before this.
    const incoming = incomingUpdate(update);
    if (!incoming || incoming.structs.length === 0) return;
    const writer = context as CollabContext;
    let inFlight = this.inFlight.get(document);
    if (!inFlight) {
      inFlight = [];
      this.inFlight.set(document, inFlight);
    }
    const reading = new UpdateReading(document, incoming.structs, inFlight);
    const writes = reading.codingWrites();
    // Counted as in flight before the rules are awaited (a codebook read), so the next frame sees it.
    const admitted = inFlight;
    const forget = () => {
      const at = admitted.indexOf(reading);
      if (at >= 0) admitted.splice(at, 1);
    };
    if (Array.isArray(writes)) {
      admitted.push(reading);
      setTimeout(forget, inFlightMs).unref();
    }
    const problem = Array.isArray(writes) ? await this.firstProblem(writes, name, writer) : writes;
    if (!problem) return;
    forget();
    const coding = 'codingId' in problem ? ` coding ${problem.codingId}` : '';
    this.refusals.record(
      closeCodes.invalidCoding,
      `${problem.rule} ${problem.field}:${coding} in ${documentName} by ${writer.user.id}: ${problem.message}`,
    );
    // Hocuspocus closes this document's connection with the thrown event's code and reason.
    throw closeCodes.invalidCoding;
  }

  private async firstProblem(
    writes: CodingWrite[],
    name: Extract<CollabDocumentName, { kind: 'layer' | 'consensus' }>,
    writer: CollabContext,
  ): Promise<(CodingProblem & { codingId?: string }) | null> {
    const codeIds = new FrameCodeIds(this.codebooks, writer.projectId, this.log);
    for (const write of writes) {
      const author = await this.authorOf(write, name, writer);
      const present = new Set<string>();
      for (const { field, content } of write.fields) {
        if (field === null) return { rule: 'K4', field: 'coding', message: 'a coding holds fields by name, not as a list', codingId: write.codingId };
        const held = fieldValue(content);
        if (!held) return { rule: 'K4', field, message: `${field} must be a plain value, not a shared type or formatting`, codingId: write.codingId };
        present.add(field);
        if (field === 'codeId') await codeIds.prepare(held.value);
        const problem = codingFieldProblem(field, held.value, { limits: this.fieldLimits, codeIds, author });
        if (problem) return { ...problem, codingId: write.codingId };
      }
      if (write.isNew)
        for (const field of requiredCodingFields) if (!present.has(field)) return { ...missingFieldProblem(field), codingId: write.codingId };
    }
    return null;
  }

  /**
   * Who `createdBy` must name (K3): in a coder's layer that coder, the only one who may write it;
   * in the consensus layer the current author of an existing coding, so authorship never changes
   * hands, and for a new one the writer — or another member who may write the consensus: undoing
   * the removal of a colleague's consensus coding re-creates it with its author.
   */
  private async authorOf(write: CodingWrite, name: CollabDocumentName, writer: CollabContext): Promise<string> {
    if (name.kind === 'layer') return name.coderId;
    const current = write.existing?.get('createdBy');
    if (typeof current === 'string') return current;
    const claimed = write.fields.find((field) => field.field === 'createdBy');
    const claimedAuthor = claimed ? fieldValue(claimed.content)?.value : undefined;
    if (typeof claimedAuthor === 'string' && claimedAuthor !== writer.user.id) {
      const role = await this.store.getRole(writer.projectId, claimedAuthor);
      if (role === 'owner' || role === 'adjudicator') return claimedAuthor;
    }
    return writer.user.id;
  }
}

/**
 * The code ids a websocket-written coding may name (K2), read once per frame: the project's codes,
 * read again when a `codeId` is not among the kept ones (a code created a moment ago), plus codes
 * deleted from the codebook. A coder who coded offline with a code that was deleted meanwhile
 * re-sends that coding on reconnect in the same frame as all their other offline work; refusing it
 * would refuse all of that work on every reconnect. Such a coding is kept and shows as a coding of
 * a deleted code.
 */
class FrameCodeIds {
  private codebook: CodebookCodeIds | null = null;
  private readAgain = false;

  constructor(
    private readonly codebooks: ProjectCodebooks,
    private readonly projectId: string,
    private readonly log: (message: string) => void,
  ) {}

  /** Makes sure `codeId` is judged against a codebook that is current enough. */
  async prepare(codeId: unknown): Promise<void> {
    this.codebook ??= await this.codebooks.codeIds(this.projectId);
    if (typeof codeId !== 'string') return;
    if (!this.has(codeId) && !this.readAgain) {
      this.readAgain = true;
      this.codebook = await this.codebooks.codeIds(this.projectId, { fresh: true });
    }
    if (this.codebook.deleted.has(codeId)) this.log(`accepted a coding of project ${this.projectId} with code ${codeId}, deleted from the codebook meanwhile`);
  }

  has(codeId: string): boolean {
    return this.codebook !== null && (this.codebook.live.has(codeId) || this.codebook.deleted.has(codeId));
  }
}
