// A strict JSON reader for untrusted headers (safetensors). Unlike JSON.parse it rejects duplicate keys
// (JSON.parse keeps the last one silently), keeps object keys in Maps (so "__proto__" is just a key) and
// caps the nesting depth (a deeply nested header cannot overflow the stack). Every failure is a
// CorruptModelError naming `argument` and the byte offset.
import { CorruptModelError } from '@rnn/core';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

const MAX_DEPTH = 16;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseStrictJson(text: string, argument: string): JsonValue {
  let i = 0;
  const fail = (expected: string): never => {
    const found = i < text.length ? JSON.stringify(text.slice(i, i + 12)) : 'the end of the text';
    throw new CorruptModelError(argument, `valid JSON (${expected} at character ${i})`, found);
  };
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const expectChar = (c: string): void => {
    if (text[i] !== c) fail(`"${c}"`);
    i++;
  };

  function value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) fail(`at most ${MAX_DEPTH} nested levels`);
    skipSpace();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail('a value');
  }

  function object(depth: number): JsonObject {
    const out: JsonObject = new Map();
    i++; // {
    skipSpace();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail('a string key');
      const at = i;
      const key = string();
      if (out.has(key)) throw new CorruptModelError(argument, `unique keys (duplicate at character ${at})`, JSON.stringify(key));
      skipSpace();
      expectChar(':');
      out.set(key, value(depth + 1));
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      expectChar('}');
      return out;
    }
  }

  function array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    i++; // [
    skipSpace();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(depth + 1));
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      expectChar(']');
      return out;
    }
  }

  function string(): string {
    i++; // opening quote
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return fail('a closing quote');
      if (c === '"') {
        i++;
        return out;
      }
      if (c < ' ') fail('no control characters inside strings');
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else fail('a valid escape sequence');
    }
  }

  function number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('a number');
    i += m[0].length;
    return Number(m[0]);
  }

  const result = value(0);
  skipSpace();
  if (i !== text.length) fail('the end of the text');
  return result;
}
