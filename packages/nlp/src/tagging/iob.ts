// IOB tags, entity spans and CoNLL-style column files. A tag is `O` or `B-TYPE` / `I-TYPE`. Chunk boundaries
// follow conlleval exactly (see chunkStarts / chunkEnds), so an `I-` that follows `O` or another type opens a
// new entity (IOB1 style), as conlleval counts it.
import { InvalidArgumentError, ShapeError } from '@rnn/core';

export interface TaggedSentence {
  tokens: string[];
  tags: string[];
  /** The `# sent_id = ...` comment before the sentence, when the file has one. */
  id?: string;
}

/** An entity: tokens start..end-1 (end exclusive) of one type. */
export interface EntitySpan {
  type: string;
  start: number;
  end: number;
}

/** A tag split as conlleval splits it: prefix `B`, `I` or `O`, and the type (`''` for `O`). */
export interface ParsedTag {
  prefix: 'B' | 'I' | 'O';
  type: string;
}

const TAG = /^([BI])-(.+)$/;

/** Splits a tag; anything but `O`, `B-TYPE` or `I-TYPE` is an InvalidArgumentError naming `argument`. */
export function parseTag(tag: unknown, argument = 'tag'): ParsedTag {
  if (tag === 'O') return { prefix: 'O', type: '' };
  const m = typeof tag === 'string' ? TAG.exec(tag) : null;
  if (!m) throw new InvalidArgumentError(argument, 'an IOB tag: "O", "B-TYPE" or "I-TYPE"', tag);
  return { prefix: m[1] as 'B' | 'I', type: m[2]! };
}

/** conlleval's startOfChunk for IOB tags: does a chunk start at `tag`, given the previous tag? */
export function chunkStarts(prev: ParsedTag, tag: ParsedTag): boolean {
  if (tag.prefix === 'B') return true;
  if (tag.prefix === 'I') return prev.prefix === 'O' || prev.type !== tag.type;
  return false;
}

/** conlleval's endOfChunk for IOB tags: does the chunk holding `prev` end before `tag`? */
export function chunkEnds(prev: ParsedTag, tag: ParsedTag): boolean {
  if (prev.prefix === 'O') return false;
  return tag.prefix === 'B' || tag.prefix === 'O' || prev.type !== tag.type;
}

const OUTSIDE: ParsedTag = { prefix: 'O', type: '' };

/** The entities in a tag sequence, with conlleval's chunk boundaries. */
export function entitySpans(tags: readonly string[]): EntitySpan[] {
  const spans: EntitySpan[] = [];
  let prev = OUTSIDE;
  let open: EntitySpan | null = null;
  tags.forEach((t, i) => {
    const tag = parseTag(t, `tags[${i}]`);
    if (open && chunkEnds(prev, tag)) {
      open.end = i;
      spans.push(open);
      open = null;
    }
    if (chunkStarts(prev, tag)) open = { type: tag.type, start: i, end: i + 1 };
    prev = tag;
  });
  if (open) {
    (open as EntitySpan).end = tags.length;
    spans.push(open);
  }
  return spans;
}

/** IOB2 tags for `length` tokens holding `spans` (which must lie inside and not overlap). */
export function spansToTags(length: number, spans: readonly EntitySpan[]): string[] {
  const tags = new Array<string>(length).fill('O');
  spans.forEach((s, k) => {
    if (!Number.isInteger(s?.start) || !Number.isInteger(s.end) || s.start < 0 || s.end > length || s.start >= s.end)
      throw new InvalidArgumentError(`spans[${k}]`, `start < end within [0, ${length}]`, s ? `${s.start}..${s.end}` : s);
    if (typeof s.type !== 'string' || s.type === '') throw new InvalidArgumentError(`spans[${k}].type`, 'a non-empty string', s.type);
    for (let i = s.start; i < s.end; i++) {
      if (tags[i] !== 'O') throw new InvalidArgumentError(`spans[${k}]`, 'spans that do not overlap', `overlap at token ${i}`);
      tags[i] = `${i === s.start ? 'B' : 'I'}-${s.type}`;
    }
  });
  return tags;
}

/** Rewrites tags to strict IOB2: every entity (conlleval boundaries) starts with `B-`. */
export function toIob2(tags: readonly string[]): string[] {
  return spansToTags(tags.length, entitySpans(tags));
}

export interface ConllReadOptions {
  /** Column of the token (0-based; negative counts from the end). Default 0. */
  tokenColumn?: number;
  /** Column of the tag (0-based; negative counts from the end). Default -1, the last. */
  tagColumn?: number;
  /** Lines starting with this are comments (`null`: none). Default '#'. */
  commentPrefix?: string | null;
  /** Reject an `I-X` that does not continue an `X` entity (strict IOB2). Default false: keep it (conlleval reads it as a new entity). */
  strict?: boolean;
}

/**
 * Reads CoNLL-style column text: one token per line, columns separated by tabs or spaces, sentences separated by
 * blank lines; `-DOCSTART-` lines (CoNLL-2003) and comment lines are skipped. Every token line must have the same
 * number of columns and a valid IOB tag; errors name the line. Universal NER files: `{ tokenColumn: 1, tagColumn: 2 }`.
 */
export function readConll(text: string, options: ConllReadOptions = {}): TaggedSentence[] {
  if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
  const commentPrefix = options.commentPrefix === undefined ? '#' : options.commentPrefix;
  const sentences: TaggedSentence[] = [];
  let current: TaggedSentence = { tokens: [], tags: [] };
  let lines: number[] = []; // the line number of each token of the current sentence, for errors
  let pendingId: string | undefined;
  let columns = -1;
  const flush = (): void => {
    if (current.tokens.length > 0) {
      if (options.strict) checkStrictIob2(current.tags, lines);
      sentences.push(current);
    }
    current = { tokens: [], tags: [] };
    lines = [];
  };
  text.split('\n').forEach((rawLine, n) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const where = `line ${n + 1}`;
    if (line.trim() === '') return flush();
    if (commentPrefix !== null && line.startsWith(commentPrefix)) {
      const id = /^#\s*sent_id\s*=\s*(.*)$/.exec(line);
      if (id) pendingId = id[1]!.trim();
      return;
    }
    const fields = line.trim().split(/[\t ]+/);
    if (fields[0] === '-DOCSTART-') return flush();
    if (columns < 0) columns = fields.length;
    if (fields.length !== columns) throw new ShapeError(where, `${columns} columns like the first token line`, `${fields.length} columns`);
    const column = (option: number | undefined, fallback: number, name: string): string => {
      const c = option ?? fallback;
      const k = Number.isInteger(c) ? (c < 0 ? columns + c : c) : -1;
      if (k < 0 || k >= columns) throw new InvalidArgumentError(`options.${name}`, `a column index within the ${columns} columns`, c);
      return fields[k]!;
    };
    const token = column(options.tokenColumn, 0, 'tokenColumn');
    const tag = column(options.tagColumn, -1, 'tagColumn');
    parseTag(tag, `${where}: tag`);
    if (current.tokens.length === 0 && pendingId !== undefined) current.id = pendingId;
    pendingId = undefined;
    current.tokens.push(token);
    current.tags.push(tag);
    lines.push(n + 1);
  });
  flush();
  return sentences;
}

function checkStrictIob2(tags: readonly string[], lines: readonly number[]): void {
  let prev = OUTSIDE;
  tags.forEach((t, i) => {
    const tag = parseTag(t);
    if (tag.prefix === 'I' && chunkStarts(prev, tag))
      throw new InvalidArgumentError(
        `line ${lines[i]}: tag`,
        `B-${tag.type} or I-${tag.type} continuing a ${tag.type} entity (strict IOB2)`,
        t,
      );
    prev = tag;
  });
}

export interface ConllWriteOptions {
  /** Extra tag columns after the gold tags, e.g. predictions for conlleval (one array per sentence). */
  predicted?: readonly (readonly string[])[];
  /** Column separator. Default ' ' (conlleval's default). */
  delimiter?: ' ' | '\t';
}

/** Writes `token tag [predicted]` lines, a blank line after each sentence: conlleval's input format. */
export function writeConll(sentences: readonly TaggedSentence[], options: ConllWriteOptions = {}): string {
  const delimiter = options.delimiter ?? ' ';
  if (delimiter !== ' ' && delimiter !== '\t') throw new InvalidArgumentError('options.delimiter', '" " or "\\t"', delimiter);
  const predicted = options.predicted;
  if (predicted && predicted.length !== sentences.length)
    throw new ShapeError('options.predicted', `${sentences.length} sentences`, `${predicted.length}`);
  let out = '';
  sentences.forEach((s, k) => {
    checkSentence(s, `sentences[${k}]`);
    const p = predicted?.[k];
    if (p && p.length !== s.tokens.length) throw new ShapeError(`options.predicted[${k}]`, `${s.tokens.length} tags`, `${p.length}`);
    s.tokens.forEach((token, i) => {
      if (token === '' || /[\s]/.test(token))
        throw new InvalidArgumentError(`sentences[${k}].tokens[${i}]`, 'a non-empty token without whitespace', token);
      if (p) parseTag(p[i], `options.predicted[${k}][${i}]`);
      out += [token, s.tags[i], ...(p ? [p[i]] : [])].join(delimiter);
      out += '\n';
    });
    out += '\n';
  });
  return out;
}

/** Checks that a sentence has tokens and one valid tag per token. */
export function checkSentence(s: TaggedSentence, argument: string): void {
  if (!Array.isArray(s?.tokens) || !Array.isArray(s.tags)) throw new InvalidArgumentError(argument, 'a sentence { tokens, tags }', s);
  if (s.tokens.length === 0) throw new InvalidArgumentError(`${argument}.tokens`, 'at least one token', 'an empty sentence');
  if (s.tags.length !== s.tokens.length)
    throw new ShapeError(`${argument}.tags`, `${s.tokens.length} tags (one per token)`, `${s.tags.length}`);
  s.tags.forEach((t, i) => parseTag(t, `${argument}.tags[${i}]`));
}
