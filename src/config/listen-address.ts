/**
 * `host:port` or `:port` (every interface), as `server.listen` and `-l` take it. A port past
 * 65535 passes a digits-only check and then makes `listen()` throw at start, so the range is
 * checked here, where both the config and the flag are read.
 */
export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
}

export const LISTEN_SHAPE = /^(\[[0-9a-fA-F:]+\]|[^:\s]*):(\d{1,5})$/;
const MAX_PORT = 65_535;

export const LISTEN_FORMAT_MESSAGE = 'expected host:port or :port, such as :8080 or 127.0.0.1:8080';
export const LISTEN_PORT_MESSAGE = `the port must be 0 to ${MAX_PORT}`;

/** The address, or why it is not one (without repeating it). */
export function parseListenAddress(text: string): ListenAddress | { problem: string } {
  const found = LISTEN_SHAPE.exec(text);
  if (!found) return { problem: LISTEN_FORMAT_MESSAGE };
  const port = Number(found[2]);
  if (port > MAX_PORT) return { problem: LISTEN_PORT_MESSAGE };
  const host = (found[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port };
}

/** Whether an address of the right shape names a port that cannot exist (the shape is checked apart). */
export function portOutOfRange(text: string): boolean {
  const parsed = parseListenAddress(text);
  return 'problem' in parsed && parsed.problem === LISTEN_PORT_MESSAGE;
}
