/**
 * The environment a command is started with, made something the operating system can carry.
 *
 * An environment entry is a C string `NAME=value`: it cannot hold a NUL byte, and its name cannot
 * hold `=`. Alert data can (label values are any UTF-8 string), and a spawn refusing it would fail
 * the same way on every retry. So, deliberately: each NUL in a value becomes U+FFFD (the Unicode
 * replacement character, as for any byte that cannot be shown), and each NUL or `=` in a name
 * becomes `_`. What counts is reported, so the substitution is never silent.
 */
export interface CommandEnvironment {
  readonly env: Record<string, string>;
  /** Entries whose name or value had to be changed. */
  readonly replaced: number;
  /** The size the kernel counts: every `NAME=value` with its terminating NUL. */
  readonly bytes: number;
}

export function commandEnvironment(vars: Readonly<Record<string, string | undefined>>): CommandEnvironment {
  const env: Record<string, string> = {};
  let replaced = 0;
  let bytes = 0;
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) continue;
    const safeName = name.replace(/[\0=]/g, '_');
    const safeValue = value.replaceAll('\0', '\uFFFD');
    if (safeName !== name || safeValue !== value) replaced++;
    env[safeName] = safeValue;
    bytes += Buffer.byteLength(safeName) + Buffer.byteLength(safeValue) + 2;
  }
  return { env, replaced, bytes };
}
