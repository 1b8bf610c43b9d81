import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../../src/app/cli-args.js';

describe("the command line, read as Go's flag package reads prometheus-am-executor's", () => {
  it.each([
    [['-l', ':9095'], ':9095'],
    [['-l=:9095'], ':9095'],
    [['--l', ':9095'], ':9095'],
    [['--l=:9095'], ':9095'],
    [['--listen', ':9095'], ':9095'],
    [['-listen=:9095'], ':9095'],
  ])('takes the listen address from %j', (argv, listen) => {
    expect(parseArgs(argv)).toEqual({ command: 'serve', listen });
  });

  it.each([
    [['-f', 'executor.yml']],
    [['-f=executor.yml']],
    [['--f', 'executor.yml']],
    [['--f=executor.yml']],
    [['--config', 'executor.yml']],
  ])('takes the config file from %j', (argv) => {
    expect(parseArgs(argv).file).toBe('executor.yml');
  });

  it('reads -v alone as true and takes a value only after =, as a Go bool flag', () => {
    expect(parseArgs(['-v']).verbose).toBe(true);
    expect(parseArgs(['--v=true']).verbose).toBe(true);
    expect(parseArgs(['-v=false']).verbose).toBe(false);
    expect(parseArgs(['-v=0']).verbose).toBe(false);
    // `-v false`: false is not the flag's value but the command, as in Go.
    expect(parseArgs(['-v', 'false'])).toEqual({ command: 'serve', verbose: true, run: { cmd: 'false', args: [] } });
    expect(() => parseArgs(['-v=maybe'])).toThrow(UsageError);
  });

  it('takes the first argument that is not a flag, and everything after it, as the command (its README: script [args..])', () => {
    expect(parseArgs(['-l', ':8080', 'examples/reboot'])).toEqual({
      command: 'serve',
      listen: ':8080',
      run: { cmd: 'examples/reboot', args: [] },
    });
    expect(parseArgs(['bash', '-c', 'env', '-l', 'x'])).toEqual({ command: 'serve', run: { cmd: 'bash', args: ['-c', 'env', '-l', 'x'] } });
    expect(parseArgs(['-f', 'x.yml', '--', '-weird-name', '-v'])).toEqual({
      command: 'serve',
      file: 'x.yml',
      run: { cmd: '-weird-name', args: ['-v'] },
    });
  });

  it("keeps alertpipe's own words in the first position, and runs a script of that name after --", () => {
    expect(parseArgs(['serve', '-f', 'a.yml'])).toEqual({ command: 'serve', file: 'a.yml' });
    expect(parseArgs(['check-config', 'a.yml'])).toEqual({ command: 'check-config', file: 'a.yml' });
    expect(parseArgs(['--', 'serve'])).toEqual({ command: 'serve', run: { cmd: 'serve', args: [] } });
    expect(parseArgs(['serve', 'version'])).toEqual({ command: 'serve', run: { cmd: 'version', args: [] } });
    expect(parseArgs(['-h']).command).toBe('help');
    expect(parseArgs(['--version']).command).toBe('version');
  });

  it('refuses unknown flags, a flag without its value, and bad syntax', () => {
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown argument --frobnicate/);
    expect(() => parseArgs(['-l'])).toThrow(/-l needs a value/);
    expect(() => parseArgs(['---l=x'])).toThrow(/bad flag syntax/);
    expect(() => parseArgs(['check-config'])).toThrow(/needs a FILE/);
  });
});
