#!/usr/bin/env node
// Test command: starts a child of its own (to show signals reach the whole group), writes
// "started <pid> <childPid>" to the file named by its first argument, then waits up to the seconds
// in its second argument. A SIGUSR1 or SIGTERM is appended to the file and ends it with code 0.
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';

const [file, seconds = '30'] = process.argv.slice(2);
const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
writeFileSync(file, `started ${process.pid} ${child.pid}\n`);
for (const signal of ['SIGUSR1', 'SIGTERM']) {
  process.on(signal, () => {
    appendFileSync(file, `${signal}\n`);
    child.kill('SIGKILL');
    process.exit(0);
  });
}
setTimeout(
  () => {
    appendFileSync(file, 'finished\n');
    child.kill('SIGKILL');
    process.exit(0);
  },
  Number(seconds) * 1000,
);
