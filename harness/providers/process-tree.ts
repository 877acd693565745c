/**
 * Reading processes from /proc: a field of a process's stat, whether it is
 * alive, its whole tree of descendants, and waiting for a tree to be gone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Field `n` (counted from 1, as in proc(5)) of a process's or thread's
 * `/proc/.../stat`, given the path; undefined once it has ended. The command
 * name (field 2) may contain spaces, so fields are counted from after its
 * closing parenthesis.
 */
export function procStatField(statPath: string, n: number): string | undefined {
  try {
    const stat = readFileSync(statPath, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3];
  } catch {
    return undefined;
  }
}

/** Whether a process exists and is not a zombie (state Z: it has released everything, it only waits to be reaped). */
export function isAlive(pid: number): boolean {
  const state = procStatField(`/proc/${pid}/stat`, 3);
  return state !== undefined && state !== 'Z';
}

/** The pid and every descendant of it, from /proc (parent pid is field 4 of /proc/<pid>/stat). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = procStatField(`/proc/${entry}/stat`, 4);
    if (parent === undefined) continue; // the process ended while we were reading
    const list = children.get(Number(parent)) ?? [];
    list.push(Number(entry));
    children.set(Number(parent), list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Wait until none of `pids` exists any more (the kernel reaps killed children of killed parents). */
export async function waitUntilGone(pids: number[], timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(10);
}
