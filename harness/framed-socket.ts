/**
 * A TCP connection read as a database protocol's frames (Postgres messages,
 * MariaDB packets) with the least work per read, for the lean connections:
 * the socket reads into one reused buffer (`onread`), whole frames are handed
 * over in place, and only the start of an incomplete frame is copied until the
 * rest has arrived.
 */
import { connect, type Socket } from 'node:net';

export interface FrameFormat {
  /** Bytes of the header that tells a frame's length. */
  headerBytes: number;
  /** Total length of the frame whose header starts at `at`. */
  frameLength(data: Buffer, at: number): number;
}

/** Receives each whole frame as `data[start..end)`; valid only during the call (the buffer is reused). */
export type FrameHandler = (data: Buffer, start: number, end: number) => void;

const READ_BUFFER_BYTES = 64 * 1024;

/** Cuts the bytes of successive reads into frames. */
export class FrameReader {
  /** The start of an incomplete frame, carried over to the next reads, and the bytes it needs. */
  private carried: Buffer[] = [];
  private carriedBytes = 0;
  private awaitedBytes = 0;

  constructor(
    private readonly format: FrameFormat,
    private readonly onFrame: FrameHandler,
  ) {}

  receive(buffer: Buffer, bytes: number): void {
    const { headerBytes, frameLength } = this.format;
    let data = buffer.subarray(0, bytes);
    if (this.carried.length > 0) {
      // Copies: the read buffer is reused. Joined once the frame they start is complete.
      this.carried.push(Buffer.from(data));
      this.carriedBytes += bytes;
      if (this.carriedBytes < this.awaitedBytes) return;
      data = Buffer.concat(this.carried);
      this.carried = [];
    }
    let at = 0;
    while (at + headerBytes <= data.length) {
      const end = at + frameLength(data, at);
      if (end > data.length) break;
      this.onFrame(data, at, end);
      at = end;
    }
    if (at < data.length) {
      const rest = Buffer.from(data.subarray(at));
      this.carried = [rest];
      this.carriedBytes = rest.length;
      this.awaitedBytes = rest.length >= headerBytes ? frameLength(rest, 0) : headerBytes;
    }
  }
}

/** Connect with Nagle's algorithm off (one small request at a time), handing every whole frame over. */
export function connectFramed(
  address: { host: string; port: number },
  format: FrameFormat,
  onFrame: FrameHandler,
): Socket {
  const reader = new FrameReader(format, onFrame);
  return connect({
    host: address.host,
    port: address.port,
    noDelay: true,
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array) => {
        reader.receive(buffer as Buffer, bytes);
        return true;
      },
    },
  });
}
