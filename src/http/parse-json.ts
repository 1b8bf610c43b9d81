import { ValidationError } from './http-errors.js';

// Alertmanager v3 sent `groupKey` as a JSON number (a 64-bit hash); JSON.parse would round it to a
// double and lose digits. Quote it before parsing. The lookbehind skips `\"groupKey\"` inside strings.
const NUMERIC_GROUP_KEY = /(?<!\\)"groupKey"(\s*):(\s*)(-?\d+)(?=\s*[,}])/;

/** Parses a request body, turning syntax errors into a 400 that says where the JSON broke. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '')
    throw new ValidationError('request body is empty; send a JSON alert, array of alerts or Alertmanager notification');
  const safeText = text.includes('"groupKey"') ? text.replace(NUMERIC_GROUP_KEY, '"groupKey"$1:$2"$3"') : text;
  try {
    return JSON.parse(safeText);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`request body is not valid JSON: ${reason}`);
  }
}
