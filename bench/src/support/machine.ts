import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  commit: string;
}

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** What a result was measured on: the numbers mean little without it. */
export function describeMachine(repoRoot: string): Machine {
  const list = cpus();
  const head = git(['rev-parse', '--short', 'HEAD'], repoRoot) ?? 'unknown';
  const dirty = (git(['status', '--porcelain'], repoRoot) ?? '') !== '';
  return {
    cpu: list[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown',
    cores: list.length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    commit: dirty ? `${head} + uncommitted changes` : head,
  };
}

export function machineLine(machine: Machine): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, Node ${machine.node}, commit ${machine.commit}`;
}
