/**
 * Running a scenario's load engine against its HTTP target, in place of the
 * workload engine: autocannon in this process (requests recorded in the
 * history), or k6 as external processes (one per execution segment).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../harness/core/errors.ts';
import type { LoadOptions, LoadResult, LoadRun } from '../harness/core/load.ts';
import { isLoopbackHost } from '../harness/core/loopback.ts';
import {
  type HttpInterface,
  type RequestContext,
  requestContextOf,
  type TargetDefinition,
} from '../harness/core/target.ts';
import type { WorkloadSpec } from '../harness/core/workload.ts';
import { runAutocannon } from './autocannon-load.ts';
import { runK6 } from './k6/run.ts';
import { k6Script } from './k6/script.ts';

export function httpInterfaceOf(target: TargetDefinition, scenario: string): HttpInterface {
  if (!target.http)
    throw new UsageError(
      `scenario ${scenario}: target ${target.name} has no HTTP interface, so a load engine cannot drive it`,
    );
  return target.http;
}

/** The exported k6 script of a scenario: the same requests, model and thresholds as the harness's run. */
export function k6ScriptFor(run: {
  scenario: string;
  http: HttpInterface;
  load: LoadOptions;
  spec: WorkloadSpec;
  timeoutMs: number;
  baseUrl: string;
  requestContext: RequestContext;
}): string {
  const { load, spec, http } = run;
  return k6Script({
    scenario: run.scenario,
    seed: spec.seed,
    baseUrl: run.baseUrl,
    connections: spec.workers,
    ...(load.ratePerSecond === undefined ? {} : { ratePerSecond: load.ratePerSecond }),
    ...(spec.opCount === undefined ? {} : { iterations: spec.opCount }),
    ...(spec.durationMs === undefined ? {} : { durationMs: spec.durationMs }),
    thresholds: load.thresholds ?? {},
    requestSource: http.requestSource,
    requestContext: run.requestContext,
    expectedStatuses: http.expectedStatuses,
    timeoutMs: run.timeoutMs,
  });
}

/** The load's result, or undefined when the run was interrupted before the load began (nothing was sent). */
export async function driveLoad(run: LoadRun): Promise<LoadResult | undefined> {
  const http = httpInterfaceOf(run.target, run.scenario);
  const baseUrl = http.baseUrl(run.ctx);
  // Load only ever goes to this machine.
  if (!isLoopbackHost(new URL(baseUrl).hostname))
    throw new UsageError(
      `scenario ${run.scenario}: ${baseUrl} is not a loopback address; load goes only to loopback`,
    );
  // Like the workers, which start no operation once aborted: autocannon, stopped right after it
  // starts, has already sent a request on every connection.
  if (run.signal?.aborted) return undefined;
  const { load, spec } = run;
  const requestContext = requestContextOf(http, run.ctx);

  if (load.engine === 'autocannon') {
    return runAutocannon({
      baseUrl,
      http,
      connections: spec.workers,
      ...(load.ratePerSecond === undefined ? {} : { ratePerSecond: load.ratePerSecond }),
      ...(spec.opCount === undefined ? {} : { requests: spec.opCount }),
      ...(spec.durationMs === undefined ? {} : { durationMs: spec.durationMs }),
      timeoutMs: run.timeoutMs,
      seed: spec.seed,
      requestContext,
      correctCoordinatedOmission: run.correctCoordinatedOmission,
      ...(load.thresholds ? { thresholds: load.thresholds } : {}),
      history: run.history,
      ...(run.signal ? { signal: run.signal } : {}),
    });
  }

  mkdirSync(run.outDir, { recursive: true });
  const scriptPath = join(run.outDir, `${run.scenario}.k6.ts`);
  writeFileSync(scriptPath, k6ScriptFor({ ...run, http, baseUrl, requestContext }));
  return runK6({
    scriptPath,
    baseUrl,
    segments: run.segments,
    outDir: run.outDir,
    connections: spec.workers,
    ...(load.ratePerSecond === undefined ? {} : { ratePerSecond: load.ratePerSecond }),
    thresholds: load.thresholds ?? {},
    expectedStatuses: http.expectedStatuses,
    ...(run.signal ? { signal: run.signal } : {}),
  });
}
