/**
 * The reference for the HTTP benchmark: `wrk` placing orders on the saga
 * orchestrator, the same request the harness sends (POST /orders with a JSON
 * body and a fresh Idempotency-Key each time), with the same connections.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { wrkBinary } from '../../harness/providers/binaries.ts';

const run = promisify(execFile);

/**
 * wrk's Lua: each thread numbers its own orders under a prefix unique to the
 * run, so every request is a new order with its own key (a repeated key would
 * be a cheap replay of a stored answer and flatter the figure).
 */
export const placeOrderLua = (runId: string) => `local thread_count = 0
function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end
local n = 0
function request()
  n = n + 1
  local id = "wrk-${runId}-" .. thread_id .. "-" .. n
  local body = string.format('{"orderId":"%s","customer":"customer-%d","sku":"sku-%d","qty":%d,"amount":%d}',
    id, n % 4, n % 3, 1 + n % 3, 1 + n % 500)
  return wrk.format("POST", "/orders", { ["content-type"] = "application/json", ["idempotency-key"] = "key-" .. id }, body)
end
`;

export async function runWrk(
  baseUrl: string,
  options: { connections: number; seconds: number; threads: number },
): Promise<{ requestsPerSecond: number }> {
  const binary = wrkBinary();
  if (!binary) throw new Error('wrk not found: apt-get install -y wrk (or npm run setup), or set WRK_BINARY');
  const dir = mkdtempSync(join(tmpdir(), 'chaos-wrk-'));
  const script = join(dir, 'place-order.lua');
  writeFileSync(script, placeOrderLua(`${process.pid}-${Date.now()}`));
  try {
    const { stdout } = await run(binary, [
      `-t${options.threads}`,
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      baseUrl,
    ]);
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
    if (!rate) throw new Error(`could not read wrk output:\n${stdout}`);
    return { requestsPerSecond: Number(rate[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
