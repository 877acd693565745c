/** Only loopback addresses (127.0.0.0/8, ::1, localhost) are ever targets of load or faults. */
import { isIP } from 'node:net';

/** A host as a URL writes it, without the brackets around an IPv6 address ("[::1]" -> "::1"). */
export function bareHost(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

export function isLoopbackHost(host: string): boolean {
  const bare = bareHost(host);
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}
