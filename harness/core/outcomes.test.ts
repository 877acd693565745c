import { describe, expect, it } from 'vitest';
import { classifyError } from './outcomes.ts';

describe('classifyError', () => {
  it('treats errors that prove nothing was applied as fail', () => {
    expect(classifyError({ errno: 1062, code: 'ER_DUP_ENTRY' })).toBe('fail');
    expect(classifyError({ errno: 1452 })).toBe('fail');
    expect(classifyError({ errno: 1213 })).toBe('fail');
    expect(classifyError({ code: '40001' })).toBe('fail');
    expect(classifyError({ code: '23503' })).toBe('fail');
    expect(classifyError({ code: '57014' })).toBe('fail'); // query cancelled
    expect(classifyError({ code: '55P03' })).toBe('fail'); // lock_timeout: the statement did nothing
    expect(classifyError({ errno: 1317 })).toBe('fail'); // KILL QUERY
    expect(classifyError({ code: 'ECONNRESET', notSent: true })).toBe('fail'); // never left the client
  });

  it('treats connection loss, timeouts and unknown errors as info', () => {
    expect(classifyError({ code: 'ECONNRESET' })).toBe('info');
    expect(classifyError({ errno: 1062, fatal: true })).toBe('info');
    expect(classifyError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true })).toBe('info');
    expect(classifyError(new Error('Query read timeout'))).toBe('info');
    expect(classifyError({ code: '57P01' })).toBe('info'); // admin shutdown: may have committed
  });
});
