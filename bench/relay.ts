/**
 * The baseline for bench/sync.ts: a bare y-websocket relay (sync + awareness over y-protocols and
 * ws), with no authentication, no persistence and no limits. One in-memory Y.Doc per room.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket, WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const messageSync = 0;
const messageAwareness = 1;

interface Room {
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  sockets: Set<WebSocket>;
}

function encode(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function openRoom(): Room {
  const doc = new Y.Doc();
  const room: Room = { doc, awareness: new awarenessProtocol.Awareness(doc), sockets: new Set() };
  room.awareness.setLocalState(null);
  const broadcast = (message: Uint8Array) => {
    for (const socket of room.sockets) if (socket.readyState === WebSocket.OPEN) socket.send(message);
  };
  doc.on('update', (update: Uint8Array) =>
    broadcast(encode((encoder) => {
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeUpdate(encoder, update);
    })),
  );
  room.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) =>
    broadcast(encode((encoder) => {
      encoding.writeVarUint(encoder, messageAwareness);
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...added, ...updated, ...removed]));
    })),
  );
  return room;
}

export async function startRelay(host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const rooms = new Map<string, Room>();
  const httpServer = http.createServer();
  const sockets = new WebSocketServer({ server: httpServer });
  sockets.on('connection', (socket, request) => {
    const name = (request.url ?? '/').slice(1).split('?')[0];
    const room = rooms.get(name) ?? openRoom();
    rooms.set(name, room);
    room.sockets.add(socket);
    socket.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(decoder);
      if (type === messageSync) {
        const reply = encode((encoder) => {
          encoding.writeVarUint(encoder, messageSync);
          syncProtocol.readSyncMessage(decoder, encoder, room.doc, socket);
        });
        if (reply.length > 1) socket.send(reply);
      } else if (type === messageAwareness) {
        awarenessProtocol.applyAwarenessUpdate(room.awareness, decoding.readVarUint8Array(decoder), socket);
      }
    });
    socket.on('close', () => room.sockets.delete(socket));
    socket.send(encode((encoder) => {
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeSyncStep1(encoder, room.doc);
    }));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `ws://${host}:${port}`,
    close: async () => {
      for (const socket of sockets.clients) socket.terminate();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}
