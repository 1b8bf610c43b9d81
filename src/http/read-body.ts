import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from './http-errors.js';

/**
 * Reads a request body as UTF-8 text, refusing more than `limit` bytes. Read by hand rather than
 * through express.json(): the body is parsed once, our way (see parse-json.ts), and an oversized
 * body is refused from its Content-Length before a byte of it is buffered.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const form = checkContentType(req.headers['content-type']);
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    throw new UnsupportedMediaTypeError(`Content-Encoding ${encoding} is not supported; send the JSON uncompressed`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);

  const body = await collect(req, limit);
  const text = body.toString('utf8');
  if (text.includes('\uFFFD') && !body.includes(REPLACEMENT_CHARACTER)) {
    throw new ValidationError('request body is not valid UTF-8');
  }
  if (form && !/^\s*[[{]/.test(text)) throw unsupportedType('application/x-www-form-urlencoded');
  return text;
}

const REPLACEMENT_CHARACTER = Buffer.from('\uFFFD', 'utf8');

// Events rather than `for await`: leaving an async iterator destroys the socket, and the client
// would see a reset instead of the 413. Pausing keeps the connection for the answer.
function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new ValidationError(`request body could not be read: ${error.message}`));
    };
    const onAborted = (): void => onError(new Error('the client closed the connection'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`request body is larger than the limit of ${limit} bytes (server.body_limit)`);
}

// application/json, any `+json` type, and no type at all (what a hand-written client often sends).
// `curl -d` labels its body as a form whatever it holds (prometheus-am-executor's own scripts send
// alerts that way): such a body is taken when it is JSON, which a form body never starts like.
// Returns whether the body still has to show that it is JSON.
function checkContentType(header: string | undefined): boolean {
  if (header === undefined || header === '') return false;
  const type = header.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return false;
  if (type === 'application/x-www-form-urlencoded') return true;
  throw unsupportedType(type);
}

function unsupportedType(type: string): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(`Content-Type ${type} is not supported; send JSON with "Content-Type: application/json"`);
}
