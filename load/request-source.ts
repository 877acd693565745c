/**
 * A target's load requests come from one JavaScript source (its HTTP
 * interface's `requestSource`): k6 runs it inside its script, and this
 * evaluates the very same text in Node for autocannon, so both engines send
 * the same requests for the same seed.
 */
import type { HttpRequestSpec, RequestContext } from '../harness/core/target.ts';

export type RequestAt = (seed: number, iteration: number, context: RequestContext) => HttpRequestSpec;

/** The `request(seed, iteration, context)` function a request source defines. */
export function requestFunction(source: string): RequestAt {
  // The source is the target's own code (as trusted as its operations), written in plain JavaScript for k6.
  const request = new Function(`${source}\nreturn request;`)() as unknown;
  if (typeof request !== 'function')
    throw new Error("the target's requestSource must define `function request(seed, iteration, context)`");
  return request as RequestAt;
}
