/**
 * What every "the broken variant is caught" property test asserts: the
 * property failed (and that is the expected result for a broken variant), its
 * shrunk counterexample is small, and a violation of the named kind proves it.
 * The counterexample is printed with its replay token, for whoever reads the log.
 */
import { expect } from 'vitest';
import type { PropertyResult } from '../property-run.ts';

export interface CaughtExpectation {
  /** Clients left in the shrunk counterexample: exactly this many, or at most (`{ atMost }`). */
  clients: number | { atMost: number };
  /** The most scheduler steps the shrunk counterexample may have. */
  maxSteps?: number;
  /** A violation of this kind must be among the counterexample's. */
  violation: (violation: { invariant: string; message: string }) => boolean;
}

export function expectCaught(found: PropertyResult, expected: CaughtExpectation): void {
  console.log(`${found.variant} counterexample (replay ${found.seed}:${found.path}):\n${found.text}`);
  expect(found).toMatchObject({ held: false, passed: true });
  const { trace, violations } = found.counterexample!;
  const clients = new Set(trace.map((step) => step.client)).size;
  if (typeof expected.clients === 'number') expect(clients).toBe(expected.clients);
  else expect(clients).toBeLessThanOrEqual(expected.clients.atMost);
  if (expected.maxSteps !== undefined) expect(trace.length).toBeLessThanOrEqual(expected.maxSteps);
  expect(violations.some(expected.violation), JSON.stringify(violations)).toBe(true);
}
