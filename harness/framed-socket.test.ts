/**
 * Cutting reads into frames: whatever the read boundaries, every frame comes
 * out whole, once, in order (reads reuse one buffer, as the socket's do).
 */
import { describe, expect, it } from 'vitest';
import { type FrameFormat, FrameReader } from './framed-socket.ts';

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
