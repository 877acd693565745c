import { describe, expect, it } from 'vitest';
import { redact, registerSecret } from './redact.ts';

describe('redact', () => {
  it('masks passwords in connection URLs', () => {
    expect(redact('cannot reach postgres://app:s3cret@127.0.0.1:5432/db now')).toBe(
      'cannot reach postgres://app:****@127.0.0.1:5432/db now',
    );
    expect(redact('mysql://root:p%40ss@localhost/x')).toBe('mysql://root:****@localhost/x');
  });

  it('masks registered secrets anywhere in text', () => {
    registerSecret('hunter2-long-secret');
    expect(redact('auth failed for password hunter2-long-secret')).toBe('auth failed for password ****');
  });

  it('leaves text without secrets alone', () => {
    expect(redact('postgres://127.0.0.1:5432/db')).toBe('postgres://127.0.0.1:5432/db');
  });
});
