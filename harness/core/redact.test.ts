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

  it('masks a password holding an unescaped @ whole, known or not', () => {
    const url = 'postgres://app:Sup3r@Secr3t@127.0.0.1/db';
    expect(redact(url)).toBe('postgres://app:****@127.0.0.1/db');
    registerSecret('Sup3r@Secr3t'); // as parseDatabaseUrl does with the password it reads
    expect(redact(`${url} failed; password Sup3r@Secr3t`)).toBe(
      'postgres://app:****@127.0.0.1/db failed; password ****',
    );
  });

  it('masks password parameters of URLs and key=value connection strings', () => {
    expect(redact('postgres://127.0.0.1/db?user=app&password=hunter3&sslmode=off')).toBe(
      'postgres://127.0.0.1/db?user=app&password=****&sslmode=off',
    );
    expect(redact("host=127.0.0.1 password='hun ter\\' 5' dbname=x")).toBe(
      'host=127.0.0.1 password=**** dbname=x',
    );
    expect(redact('host=127.0.0.1 password=hunter4 dbname=x sslpassword=k3y')).toBe(
      'host=127.0.0.1 password=**** dbname=x sslpassword=****',
    );
  });

  it('leaves text without secrets alone', () => {
    expect(redact('postgres://127.0.0.1:5432/db')).toBe('postgres://127.0.0.1:5432/db');
  });
});

it('masks a libpq password written with spaces around the equals sign', () => {
  expect(redact('host=127.0.0.1 password = hunter2 dbname=x')).toBe(
    'host=127.0.0.1 password = **** dbname=x',
  );
});
