/**
 * References between tables (a foreign key, or one the code is meant to keep):
 * every child row references an existing parent, while child creates race
 * parent deletes.
 *
 * History: child creates (`creates`), each making one child and, when ok,
 * attaching it to one parent; optionally parent deletes (`deletes`), each
 * removing one parent when ok. Final state: the child rows with the parent
 * each references, and the parent rows. Parents are named the same way
 * everywhere: as child rows reference them.
 *
 * Invariants (named after `childName`, e.g. `no-orphan-timer`):
 * - no-orphan-<child>: every child row references an existing parent.
 * - create-after-delete-fails: a create invoked after the delete of its
 *   parent was acknowledged must not succeed.
 * - acknowledged-<child>-exists: every acknowledged create left its child.
 * - refused-create-absent: a create that failed (for a missing parent, say)
 *   failed cleanly and left no child.
 */

import type { Checker, Violation } from '../core/check.ts';
import type { Operation } from '../core/history.ts';
import { type CheckerLabel, FieldReader, type Key, type OperationField, type RowField } from './fields.ts';

export interface ChildCreates {
  /** The create operation's name. */
  op: string;
  /** The child a create makes, as `childId` names it (read on every create). */
  child: OperationField<Key>;
  /** The parent an acknowledged create attached its child to. */
  parent: OperationField<Key>;
}

export interface ParentDeletes {
  /** The delete operation's name. */
  op: string;
  /** The parent an acknowledged delete removed. */
  parent: OperationField<Key>;
}

export interface NoDanglingReferencesOptions<State, Child, Parent> extends CheckerLabel {
  /** The child rows of the final state. */
  children: (state: State) => readonly Child[] | undefined;
  /** The parent rows of the final state. */
  parents: (state: State) => readonly Parent[] | undefined;
  /** A child row's own id. */
  childId: RowField<Child, Key>;
  /** The parent a child row references. */
  reference: RowField<Child, Key>;
  /** A parent row's id, as children reference it. */
  parentId: RowField<Parent, Key>;
  creates: ChildCreates;
  /** Absent when the workload deletes no parent. */
  deletes?: ParentDeletes;
  /** What a child and a parent are called in invariant names and messages. Default `child`, `parent`. */
  childName?: string;
  parentName?: string;
}

export function noDanglingReferences<State, Child, Parent>(
  options: NoDanglingReferencesOptions<State, Child, Parent>,
): Checker<State> {
  const { creates, deletes, childName = 'child', parentName = 'parent' } = options;
  const name = options.name ?? 'no-dangling-references';
  return {
    name,
    description:
      options.description ??
      `no ${childName} references a missing ${parentName}; creates for a deleted ${parentName} fail`,
    check({ operations, finalState }) {
      const fields = new FieldReader(name);
      const violations: Violation[] = [];
      const parentIds = new Set<Key | undefined>(
        (fields.state(finalState, 'parents', options.parents) ?? []).map((p) =>
          fields.row(p, 'parentId', options.parentId),
        ),
      );
      const children = (fields.state(finalState, 'children', options.children) ?? []).flatMap((row) => {
        const id = fields.row(row, 'childId', options.childId);
        const reference = fields.row(row, 'reference', options.reference);
        return id === undefined || reference === undefined ? [] : [{ id, reference }];
      });
      const createOps = operations.filter((o) => o.op === creates.op);
      const childOf = (o: Operation) => fields.op(o, 'creates.child', creates.child);
      const createByChild = new Map<Key | undefined, Operation>(createOps.map((o) => [childOf(o), o]));
      // Each parent an acknowledged delete removed, with that delete.
      const deleteByParent = new Map<Key | undefined, Operation>(
        deletes
          ? operations
              .filter((o) => o.op === deletes.op && o.outcome === 'ok')
              .map((o) => [fields.op(o, 'deletes.parent', deletes.parent), o])
          : [],
      );

      for (const child of children) {
        if (parentIds.has(child.reference)) continue;
        const creator = createByChild.get(child.id);
        const deleter = deleteByParent.get(child.reference);
        const proof = [creator, deleter].filter((o): o is Operation => o !== undefined);
        violations.push({
          invariant: `no-orphan-${childName}`,
          message: `${childName} ${child.id} references ${parentName} id ${child.reference}, which no longer exists${creator ? ` (created by #${creator.id}` : ''}${deleter ? `${creator ? ',' : ' ('} ${parentName} deleted by #${deleter.id})` : creator ? ')' : ''}`,
          operations: proof.map((o) => o.id),
        });
      }

      const childIds = new Set(children.map((c) => c.id));
      for (const create of createOps) {
        if (create.outcome === 'info') continue; // may or may not have made its child
        const made = childOf(create);
        if (made === undefined) continue;
        // A create that failed must have failed cleanly: its child is not there.
        if (create.outcome === 'fail') {
          if (childIds.has(made))
            violations.push({
              invariant: 'refused-create-absent',
              message: `#${create.id} failed (${create.error ?? 'no error'}) but ${childName} ${made} exists`,
              operations: [create.id],
            });
          continue;
        }
        const parent = fields.op(create, 'creates.parent', creates.parent);
        const deleted = parent === undefined ? undefined : deleteByParent.get(parent);
        if (deleted && deleted.completedAt < create.invokedAt) {
          violations.push({
            invariant: 'create-after-delete-fails',
            message: `#${create.id} created ${childName} ${made} for ${parentName} ${parent} after #${deleted.id} deleted that ${parentName}`,
            operations: [deleted.id, create.id],
          });
        }
        if (!childIds.has(made)) {
          violations.push({
            invariant: `acknowledged-${childName}-exists`,
            message: `#${create.id} was acknowledged but ${childName} ${made} is missing`,
            operations: [create.id],
          });
        }
      }
      const judged = children.length + createOps.filter((o) => o.outcome === 'ok').length;
      return fields.result(violations, {
        count: judged,
        what: `no ${childName} in the final state and no acknowledged ${creates.op}`,
      });
    },
  };
}
