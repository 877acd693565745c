/**
 * Cutting reads into frames: whatever the read boundaries, every frame comes
 * out whole, once, in order (reads reuse one buffer, as the socket's do).
 * Writing past the stream: every byte arrives in order, and a dead peer ends
 * the socket with an error, on a real loopback connection.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { connectFramed, directWriter, type FrameFormat, FrameReader } from './framed-socket.ts';

// A 2-byte big-endian length that counts the whole frame, then the body.
const FORMAT: FrameFormat = { headerBytes: 2, frameLength: (data, at) => data.readUInt16BE(at) };
const frame = (body: string) => {
  const bytes = Buffer.from(body);
  const out = Buffer.alloc(2 + bytes.length);
  out.writeUInt16BE(out.length, 0);
  bytes.copy(out, 2);
  return out;
};

function framesOf(stream: Buffer, readSizes: (offset: number) => number): string[] {
  const bodies: string[] = [];
  const reader = new FrameReader(FORMAT, (data, start, end) =>
    bodies.push(data.toString('utf8', start + 2, end)),
  );
  const readBuffer = Buffer.alloc(64);
  for (let at = 0; at < stream.length; ) {
    const n = Math.min(readSizes(at), stream.length - at, readBuffer.length);
    stream.copy(readBuffer, 0, at, at + n);
    reader.receive(readBuffer, n);
    readBuffer.fill(0xee); // the next read overwrites what the reader was given
    at += n;
  }
  return bodies;
}

describe('FrameReader', () => {
  const bodies = ['a', '', 'hello', 'x'.repeat(150), 'ü€', 'end'];
  const stream = Buffer.concat(bodies.map(frame));

  it('hands over frames that arrive whole, several in one read', () => {
    expect(framesOf(stream, () => 64)).toEqual(bodies);
  });

  it('reassembles frames split at every possible byte, headers included', () => {
    for (let size = 1; size <= 17; size++) expect(framesOf(stream, () => size)).toEqual(bodies);
  });

  it('reassembles a frame larger than the read buffer', () => {
    expect(framesOf(stream, (at) => 1 + (at % 7))).toEqual(bodies);
  });
});

describe('directWriter', () => {
  /** A loopback server that collects everything one client sends, and the client socket. */
  async function connectedPair() {
    const server = createServer();
    const received: Buffer[] = [];
    let peer: Socket | undefined;
    const ended = new Promise<Buffer>((resolve) => {
      server.once('connection', (socket) => {
        peer = socket;
        socket.on('data', (chunk) => received.push(chunk));
        socket.on('end', () => resolve(Buffer.concat(received)));
        socket.on('error', () => {});
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = connectFramed({ host: '127.0.0.1', port }, FORMAT, () => {});
    await once(client, 'connect');
    while (!peer) await new Promise((r) => setImmediate(r));
    return { client, peer: peer as Socket, ended, close: () => server.close() };
  }

  it('delivers every buffer whole and in order, also when a large one is finished later by libuv', async () => {
    const { client, ended, close } = await connectedPair();
    const write = directWriter(client);
    const streamWrite = vi.spyOn(client, 'write');
    const sent: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      // Every 50th buffer is 8 MB: more than the socket takes at once, so the rest is queued.
      const buffer = Buffer.alloc(i % 50 === 0 ? 8 * 1024 * 1024 : 1 + (i % 97), i % 251);
      sent.push(buffer);
      write(buffer);
    }
    // All of it went past the stream: nothing through socket.write, nothing in the stream's queue.
    expect(streamWrite).not.toHaveBeenCalled();
    expect(client.writableLength).toBe(0);
    client.end();
    expect((await ended).equals(Buffer.concat(sent))).toBe(true);
    close();
  });

  it('queues behind what socket.write has not finished, so the order holds across both', async () => {
    const { client, ended, close } = await connectedPair();
    const write = directWriter(client);
    // The first write is more than the socket takes at once, so the stream holds the second one back.
    const streamed = [Buffer.alloc(8 * 1024 * 1024, 1), Buffer.from('second')];
    for (const buffer of streamed) client.write(buffer);
    expect(client.writableLength).toBeGreaterThan(0);
    const direct = [Buffer.from('third'), Buffer.alloc(1000, 3), Buffer.from('last')];
    for (const buffer of direct) write(buffer);
    client.end();
    expect((await ended).equals(Buffer.concat([...streamed, ...direct]))).toBe(true);
    close();
  });

  it('destroys the socket with the error when the peer has gone', async () => {
    const { client, peer, close } = await connectedPair();
    const write = directWriter(client);
    const closed = new Promise((resolve) => client.once('close', resolve));
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    client.pause(); // stops reading, so it is the write that finds the connection gone
    const streamWrite = vi.spyOn(client, 'write');
    peer.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 3 && !client.destroyed; i++) write(Buffer.from('after the reset'));
    await closed;
    expect(client.destroyed).toBe(true);
    expect(streamWrite).not.toHaveBeenCalled(); // the error came from the direct write
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^write (EPIPE|ECONNRESET)$/);
    expect(errors[0]).toMatchObject({
      syscall: 'write',
      code: expect.stringMatching(/^(EPIPE|ECONNRESET)$/),
    });
    close();
  });
});
