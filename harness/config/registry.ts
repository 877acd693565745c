/**
 * All targets and scenarios a run can use: the built-in ones (handed in) plus those from
 * the config, and the user's selection of them (`--scenario`, `--target`,
 * `--variant`), with errors that list the valid names.
 */

import { shown, UsageError } from '../core/errors.ts';
import { validateFaults } from '../core/fault-plan.ts';
import type { ScenarioDefinition } from '../core/scenario.ts';
import { type TargetDefinition, withDefaultVariants } from '../core/target.ts';
import type { ChaosConfig } from './config.ts';

export interface Registry {
  targets: Map<string, TargetDefinition>;
  scenarios: Map<string, ScenarioDefinition>;
}

/** What ships with the harness; the CLI hands it in, so this module does not depend on the targets. */
export interface Builtins {
  targets: readonly TargetDefinition[];
  scenarios: readonly ScenarioDefinition[];
}

export function buildRegistry(builtins: Builtins, config: ChaosConfig): Registry {
  const targets = new Map<string, TargetDefinition>();
  for (const target of [...builtins.targets, ...(config.targets ?? []).map(withDefaultVariants)]) {
    if (targets.has(target.name)) throw new UsageError(`two targets are named ${shown(target.name)}`);
    targets.set(target.name, target);
  }
  const scenarios = new Map<string, ScenarioDefinition>();
  for (const scenario of [...builtins.scenarios, ...(config.scenarios ?? [])]) {
    if (scenarios.has(scenario.name)) throw new UsageError(`two scenarios are named ${shown(scenario.name)}`);
    const target = targets.get(scenario.target);
    if (!target)
      throw new UsageError(
        `scenario ${scenario.name}: unknown target ${shown(scenario.target)} (known: ${[...targets.keys()].join(', ')})`,
      );
    if (scenario.faults) {
      validateFaults(scenario.faults, `scenario ${scenario.name}`);
      if (
        scenario.faults.length > 0 &&
        scenario.workload.opCount !== undefined &&
        scenario.workload.durationMs === undefined
      ) {
        throw new UsageError(
          `scenario ${scenario.name}: faults are scheduled in time, so the workload needs durationMs (it has only opCount)`,
        );
      }
    }
    for (const variant of scenario.variants ?? []) {
      if (!target.variants[variant])
        throw new UsageError(
          `scenario ${scenario.name}: target ${target.name} has no variant ${shown(variant)}`,
        );
    }
    scenarios.set(scenario.name, scenario);
  }
  // A user's target with no scenario of its own still runs: give it a default one named after it.
  for (const target of config.targets ?? []) {
    if ([...scenarios.values()].some((s) => s.target === target.name) || scenarios.has(target.name)) continue;
    scenarios.set(target.name, {
      name: target.name,
      description: target.description,
      target: target.name,
      workload: {},
    });
  }
  return { targets, scenarios };
}

export interface Selection {
  scenarios?: string[];
  targets?: string[];
  variants?: string[];
}

export interface PlannedRun {
  scenario: ScenarioDefinition;
  target: TargetDefinition;
  variant: string;
}

function checkNames(kind: string, asked: string[] | undefined, known: Iterable<string>): void {
  const knownList = [...known];
  for (const name of asked ?? []) {
    if (!knownList.includes(name))
      throw new UsageError(`unknown ${kind} ${shown(name)} (known: ${knownList.join(', ')})`);
  }
}

/** Expand a selection into (scenario, variant) runs, in registry order. */
export function selectRuns(registry: Registry, selection: Selection): PlannedRun[] {
  checkNames('scenario', selection.scenarios, registry.scenarios.keys());
  checkNames('target', selection.targets, registry.targets.keys());
  const allVariants = new Set([...registry.targets.values()].flatMap((t) => Object.keys(t.variants)));
  checkNames('variant', selection.variants, allVariants);

  const runs: PlannedRun[] = [];
  for (const scenario of registry.scenarios.values()) {
    if (selection.scenarios && !selection.scenarios.includes(scenario.name)) continue;
    if (selection.targets && !selection.targets.includes(scenario.target)) continue;
    const target = registry.targets.get(scenario.target)!;
    for (const variant of scenario.variants ?? Object.keys(target.variants)) {
      if (selection.variants && !selection.variants.includes(variant)) continue;
      runs.push({ scenario, target, variant });
    }
  }
  if (runs.length === 0)
    throw new UsageError('the selection matches no scenario/variant (see `npm run chaos -- list`)');
  return runs;
}
