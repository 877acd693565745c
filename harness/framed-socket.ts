/**
 * A TCP connection read as a database protocol's frames (Postgres messages,
 * MariaDB packets) with the least work per read, for the lean connections:
 * the socket reads into one reused buffer (`onread`), whole frames are handed
 * over in place, and only the start of an incomplete frame is copied until the
 * rest has arrived.
 */
import { connect, type Socket } from 'node:net';
import { getSystemErrorName } from 'node:util';

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

  /** The first `bytes` bytes of `buffer` are new (the rest of it is stale). */
  receive(buffer: Buffer, bytes: number): void {
    const { headerBytes, frameLength } = this.format;
    let data = buffer;
    let length = bytes;
    if (this.carried.length > 0) {
      // Copies: the read buffer is reused. Joined once the frame they start is complete.
      this.carried.push(Buffer.from(buffer.subarray(0, bytes)));
      this.carriedBytes += bytes;
      if (this.carriedBytes < this.awaitedBytes) return;
      data = Buffer.concat(this.carried);
      length = data.length;
      this.carried = [];
    }
    let at = 0;
    while (at + headerBytes <= length) {
      const end = at + frameLength(data, at);
      if (end > length) break;
      this.onFrame(data, at, end);
      at = end;
    }
    if (at < length) {
      const rest = Buffer.from(data.subarray(at, length));
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

/** What Node's stream handle needs to write a buffer: a request it calls back when it finishes a write late. */
interface WriteRequest {
  buffer: Buffer;
  oncomplete(status: number): void;
}
interface StreamHandle {
  writeBuffer(request: WriteRequest, data: Buffer): number;
}

/** Node's own write request class (the one `socket.write` uses), or undefined where it is not reachable. */
const WriteWrap = ((): (new () => WriteRequest) | undefined => {
  try {
    return (process as unknown as { binding(name: string): { WriteWrap?: new () => WriteRequest } }).binding(
      'stream_wrap',
    ).WriteWrap;
  } catch {
    return undefined;
  }
})();

/** The error `socket.write` would give for a libuv status. */
const writeError = (status: number) =>
  Object.assign(new Error(`write ${getSystemErrorName(status)}`), {
    code: getSystemErrorName(status),
    errno: status,
    syscall: 'write',
  });

/**
 * A writer of whole buffers for a connected socket that hands each one
 * straight to the socket's handle, as `socket.write` does in the end, without
 * the Writable stream's bookkeeping around it (state, callbacks, a
 * `process.nextTick` per write): at two writes per transaction, that
 * bookkeeping is a measurable part of the client's CPU (`npm run bench`).
 * Order is kept: libuv queues a write behind any it has not finished. A failed
 * write destroys the socket with the error, as a failed `socket.write` does.
 * Until connected, once ended (by us or the peer: `socket.write` then fails
 * at once), with stream writes still queued, or where Node's handle is not
 * reachable, it is plain `socket.write`.
 */
export function directWriter(socket: Socket): (buffer: Buffer) => void {
  const onComplete = (status: number) => {
    if (status < 0) socket.destroy(writeError(status));
  };
  return (buffer) => {
    const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
    if (!WriteWrap || !handle || socket.connecting || !socket.writable || socket.writableLength > 0) {
      socket.write(buffer);
      return;
    }
    const request = new WriteWrap();
    request.buffer = buffer; // kept alive until a write libuv finishes later is done
    request.oncomplete = onComplete;
    const status = handle.writeBuffer(request, buffer);
    if (status !== 0) socket.destroy(writeError(status));
  };
}
