/**
 * Runs a command-line tool (redis-cli, redis-benchmark) to completion for integration tests,
 * collecting its output; a tool that is not installed fails loudly, never skips.
 */
import { spawn } from 'node:child_process';

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args`, feeding `input` on stdin; SIGKILLs it after `timeoutMs`. */
export function runTool(cmd: string, args: string[], input?: Buffer, timeoutMs = 20_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not start (is it installed? Debian: apt-get install redis-tools): ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n[killed after ${timeoutMs} ms]`;
      resolve({ code, stdout, stderr });
    });
    // A tool that exits early closes stdin under us; its exit code tells the story.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
