#!/usr/bin/env node
// Test command: writes its AMX_ environment (and its arguments) as JSON to the file named by its
// first argument, then exits with the code given as its second argument (0 by default).
import { writeFileSync } from 'node:fs';

const [file, code = '0', ...rest] = process.argv.slice(2);
const amx = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('AMX_')));
writeFileSync(file, JSON.stringify({ env: amx, args: rest, pid: process.pid }));
process.exit(Number(code));
