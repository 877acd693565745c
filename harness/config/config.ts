/**
 * `chaos.config.ts`: the user's targets, scenarios, providers and run
 * defaults, written with `defineConfig()` like a vitest config. Validated on
 * load; an error names the bad field.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';
import { UsageError } from '../core/errors.ts';
import { validateFaults } from '../core/fault-plan.ts';
import { validateRunThresholds } from '../core/run-thresholds.ts';
import type { ScenarioDefinition } from '../core/scenario.ts';
import { loopbackUrl } from '../core/service.ts';
import type { TargetDefinition, VariantInfo } from '../core/target.ts';
import type { Thresholds } from '../core/thresholds.ts';
import { MAX_WORKERS } from '../core/workload.ts';

const duration = z.union([z.number().nonnegative(), z.string()]);

const pacingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('closed') }).strict(),
  z
    .object({ kind: z.literal('paced'), rateMs: z.number().positive(), offsetMs: z.number().nonnegative() })
    .strict(),
]);

const workloadSchema = z
  .object({
    workers: z.number().int().min(1).max(MAX_WORKERS).optional(),
    durationMs: z.number().positive().optional(),
    opCount: z.number().int().positive().optional(),
    keys: z.number().int().min(1).optional(),
    keyDistribution: z.enum(['uniform', 'hot']).optional(),
    hotFraction: z.number().min(0).max(1).optional(),
    pacing: pacingSchema.optional(),
    timeoutMs: z.number().positive().optional(),
  })
  .strict();

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');

const scenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
    description: z.string(),
    target: z.string(),
    variants: z.array(z.string()).nonempty().optional(),
    workload: workloadSchema,
    passes: z.object({ passes: fn, judge: fn }).optional(),
    load: z
      .object({
        engine: z.enum(['autocannon', 'k6']),
        ratePerSecond: z.number().positive().optional(),
        thresholds: z.record(z.array(z.string())).optional(),
      })
      .strict()
      .optional(),
    // Checked in detail (kinds, Toxiproxy attributes) by validateFaults, with errors that name the field.
    faults: z.array(z.unknown()).optional(),
  })
  .strict();

const targetSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
    description: z.string(),
    database: z.enum(['mariadb', 'postgres']).optional(),
    service: z
      .union([
        z
          .object({
            command: z.string().min(1),
            args: z.array(z.string()).optional(),
            cwd: z.string().optional(),
            env: z.union([z.record(z.string()), fn]).optional(),
            portEnv: z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
              .optional(),
            readyPath: z.string().startsWith('/').optional(),
            readyTimeoutMs: z.number().positive().optional(),
            databaseUrl: z.string().optional(),
          })
          .strict(),
        z.object({ url: z.string().url(), databaseUrl: z.string().optional() }).strict(),
      ])
      .optional(),
    variants: z
      .record(z.object({ description: z.string(), broken: z.boolean() }).passthrough())
      .refine(
        (v) => Object.values(v).some((variant) => !variant.broken),
        'needs a variant that must hold (broken: false)',
      )
      .optional(),
    setup: fn,
    connect: fn,
    disconnect: fn,
    operations: z.record(fn),
    plan: fn,
    finalState: fn,
    checkers: z.array(z.object({ name: z.string(), check: fn }).passthrough()).nonempty(),
  })
  .passthrough()
  .refine((t) => t.database !== undefined || t.service !== undefined, {
    message: 'needs a database (mariadb or postgres) or a service (command or url)',
  });

const configSchema = z
  .object({
    targets: z.array(targetSchema).optional(),
    scenarios: z.array(scenarioSchema).optional(),
    providers: z
      .object({
        default: z.enum(['auto', 'url', 'process', 'container']).optional(),
        mariadb: z.object({ url: z.string() }).strict().optional(),
        postgres: z.object({ url: z.string() }).strict().optional(),
      })
      .strict()
      .optional(),
    run: z
      .object({
        seed: z.number().int().nonnegative().optional(),
        workers: z.number().int().min(1).max(MAX_WORKERS).optional(),
        duration: duration.optional(),
        out: z.string().optional(),
        /** Runs kept in chaos-report/ (0 keeps all); see harness/cli/run-folders.ts. */
        keep: z.number().int().nonnegative().optional(),
        timeScale: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    // Checked in detail (metric names, tags, k6 expressions) by validateRunThresholds.
    thresholds: z.record(z.array(z.string())).optional(),
  })
  .strict();

/** A target as a config lists it: its variants may be left out (it then has one, `as-is`). */
export type ConfigTarget = Omit<TargetDefinition, 'variants'> & { variants?: Record<string, VariantInfo> };

export interface ChaosConfig {
  targets?: ConfigTarget[];
  scenarios?: ScenarioDefinition[];
  providers?: {
    default?: 'auto' | 'url' | 'process' | 'container';
    mariadb?: { url: string };
    postgres?: { url: string };
  };
  run?: {
    seed?: number;
    workers?: number;
    duration?: string | number;
    out?: string;
    keep?: number;
    timeScale?: number;
  };
  /** Thresholds on each run's results in k6's syntax; a failed one exits 99 (see run-thresholds.ts). */
  thresholds?: Thresholds;
}

/** Identity helper for `chaos.config.ts`, for types and editor completion. */
export function defineConfig(config: ChaosConfig): ChaosConfig {
  return config;
}

/** Validate a loaded config; the error lists every bad field by its path. */
export function validateConfig(raw: unknown, source: string): ChaosConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('\n');
    throw new UsageError(`invalid config in ${source}:\n${problems}`);
  }
  const config = raw as ChaosConfig;
  for (const [i, scenario] of (config.scenarios ?? []).entries()) {
    if (scenario.faults) validateFaults(scenario.faults, `${source}: scenarios.${i}`);
  }
  // Only loopback addresses are ever targets: a service's URL and its database's are checked before anything runs.
  for (const [i, target] of (config.targets ?? []).entries()) {
    const service = target.service;
    if (service && 'url' in service) loopbackUrl(service.url, `${source}: targets.${i}.service.url`);
    if (service?.databaseUrl) loopbackUrl(service.databaseUrl, `${source}: targets.${i}.service.databaseUrl`);
  }
  if (config.run?.duration !== undefined) parseDuration(config.run.duration, `${source}: run.duration`);
  if (config.thresholds) validateRunThresholds(config.thresholds, `${source}: thresholds`);
  return config;
}

export const DEFAULT_CONFIG_FILE = 'chaos.config.ts';
/** The config files looked for in the current folder when none is named, in this order. */
export const CONFIG_FILES = [DEFAULT_CONFIG_FILE, 'chaos.config.js', 'chaos.config.mjs'];

/**
 * Why a config could not be loaded, in one line. A syntax error comes from
 * the TypeScript transform as a header ("Transform failed with 1 error:")
 * over `file:line:column: ERROR: cause` lines: those lines are the message.
 */
export function loadFailure(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n');
  if (/^Transform failed with \d+ errors?:$/.test(lines[0] ?? ''))
    return lines
      .slice(1)
      .filter((line) => line.trim() !== '')
      .join('; ');
  return lines[0] ?? '';
}

/** Load `path` (or the first of CONFIG_FILES present in `cwd`); no file means the embedded defaults. */
export async function loadConfig(
  path: string | undefined,
  cwd = process.cwd(),
): Promise<{ config: ChaosConfig; source?: string }> {
  const name = path || CONFIG_FILES.find((candidate) => existsSync(resolve(cwd, candidate)));
  if (name === undefined) return { config: {} };
  const file = resolve(cwd, name);
  if (!existsSync(file)) throw new UsageError(`config file not found: ${name}`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new UsageError(`could not load ${name}: ${loadFailure(error)}`);
  }
  if (module.default === undefined)
    throw new UsageError(`${name} has no default export (use \`export default defineConfig({...})\`)`);
  return { config: validateConfig(module.default, name), source: file };
}
