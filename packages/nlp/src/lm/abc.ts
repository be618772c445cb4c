// ABC music notation (abcnotation.com, standard 2.1) for language models: a compact training form of a tune,
// and a structural check of generated tunes (the headers a player needs, and a well-formed body).
import { InvalidArgumentError } from '@rnn/core';

/** What the training text keeps of a tune (the fields of `loadAbcTunes()` from @rnn/datasets). */
export interface AbcTuneFields {
  meter: string;
  /** L: as written, or null for the default of the meter. */
  unitNoteLength: string | null;
  key: string;
  rhythm: string | null;
  body: string;
}

/**
 * One tune as `R:`, `M:`, `L:`, `K:` headers and the musical body lines, ending with a blank line. Removed:
 * comments, prose lines (body lines without a bar line, except inline K:/M:/L: fields), other fields, bar-number
 * annotations such as "25", and stray `X:n` text. L: is made explicit (the meter's default when absent),
 * so every training tune states it.
 */
export function abcTrainingText(tune: AbcTuneFields): string {
  const strip = (v: string): string => v.replace(/%.*$/s, '').trim();
  const meter = strip(tune.meter);
  const header = [
    // the rhythm alone ("reel"), without comments or a translated name in parentheses
    ...(tune.rhythm
      ? [
          `R:${strip(tune.rhythm)
            .replace(/\s*\(.*$/s, '')
            .toLowerCase()}`,
        ]
      : []),
    `M:${meter}`,
    `L:${tune.unitNoteLength ? strip(tune.unitNoteLength) : defaultUnitNoteLength(meter)}`,
    `K:${strip(tune.key)}`,
  ];
  const body = tune.body
    .split('\n')
    .map((line) =>
      line
        .replace(/%.*$/, '')
        .replace(/X:\d+\s*$/, '')
        .replace(/"\d+"/g, '')
        .trimEnd(),
    )
    .filter((line) => /^[KLM]:/.test(line) || (line.includes('|') && !/^[A-Za-z]:/.test(line)));
  return `${[...header, ...body].join('\n')}\n\n`;
}

/** The ABC 2.1 default unit note length: 1/16 when the meter is below 3/4, else 1/8 (also for free meter). */
export function defaultUnitNoteLength(meter: string): string {
  const m = meter.trim();
  const value = m === 'C' ? 1 : m === 'C|' ? 1 : fractionValue(m);
  return value !== null && value < 0.75 ? '1/16' : '1/8';
}

function fractionValue(text: string): number | null {
  const f = /^(\d+(?:\+\d+)*)\/(\d+)$/.exec(text);
  if (!f) return null;
  const num = f[1]!.split('+').reduce((a, b) => a + Number(b), 0);
  return num / Number(f[2]);
}

export interface AbcCheck {
  /** True when there are no errors. */
  valid: boolean;
  /** What is wrong, with line numbers (1-based). */
  errors: string[];
  /** Header fields by name (the first of each). */
  headers: Record<string, string>;
  /** Bar lines in the body. */
  bars: number;
  /** Notes in the body. */
  notes: number;
}

const KEY =
  /^(?:[A-G][#b]?(?:m|min|minor|maj|major|ion|ionian|mix|mixolydian|dor|dorian|phr|phrygian|lyd|lydian|loc|locrian|aeo|aeolian)?|HP|Hp|none)(?:\s.*)?$/i;
const METER = /^(?:C\|?|none|\d+(?:\+\d+)*\/\d+)$/;
const UNIT = /^1\/(?:1|2|4|8|16|32|64|128|256|512)$/;
// What may remain of a music line once chord symbols, !decorations! and [X:...] inline fields are removed:
// notes, accidentals, octave marks, rests, lengths, bar lines and repeats, tuplets, slurs, ties, grace notes,
// broken rhythm, decorations, line continuation.
const MUSIC = /^[A-Ga-gzZxy,'^=_0-9/|:[\]()\-~.HLMOPSTuv{}<>\s\\&]*$/;

/**
 * Checks that `text` is one structurally valid ABC tune: an X: number first, then T:, M:, L: and K: headers
 * (K: closing the header) with valid values, then a body of music lines with balanced chords, grace notes,
 * quotes and slurs, at least one note and one bar line. It does not check that bars add up to the meter.
 */
export function checkAbcTune(text: string): AbcCheck {
  if (typeof text !== 'string') throw new InvalidArgumentError('text', 'ABC text', text);
  const lines = text.replace(/\s+$/, '').split('\n');
  const errors: string[] = [];
  const headers: Record<string, string> = {};
  let k = 0;
  for (; k < lines.length; k++) {
    const field = /^([A-Za-z]):(.*)$/.exec(lines[k]!);
    if (!field) {
      errors.push(`line ${k + 1}: expected a header field before the K: line, found ${JSON.stringify(lines[k])}`);
      break;
    }
    const [, name, value] = field as unknown as [string, string, string];
    headers[name] ??= value.trim();
    if (k === 0 && (name !== 'X' || !/^\d+$/.test(value.trim()))) errors.push('line 1: expected "X:<number>" first');
    if (name === 'K') break;
  }
  const need: [string, RegExp][] = [
    ['T', /\S/],
    ['M', METER],
    ['L', UNIT],
    ['K', KEY],
  ];
  for (const [name, valid] of need) {
    const value = headers[name];
    if (value === undefined) errors.push(`header: missing ${name}:`);
    else if (!valid.test(value.replace(/%.*$/, '').trim())) errors.push(`header: invalid ${name}:${value}`);
  }
  const body = lines.slice(k + 1);
  let bars = 0;
  let notes = 0;
  let slurs = 0;
  body.forEach((raw, i) => {
    const n = k + i + 2;
    const line = raw.replace(/%.*$/, '');
    if (/^[A-Za-z]:/.test(line)) {
      if (/^K:/.test(line) && !KEY.test(line.slice(2).trim())) errors.push(`line ${n}: invalid ${line}`);
      if (/^M:/.test(line) && !METER.test(line.slice(2).trim())) errors.push(`line ${n}: invalid ${line}`);
      if (/^L:/.test(line) && !UNIT.test(line.slice(2).trim())) errors.push(`line ${n}: invalid ${line}`);
      return;
    }
    if ((line.match(/"/g) ?? []).length % 2 !== 0) errors.push(`line ${n}: unbalanced " (chord symbol or annotation)`);
    const music = line
      .replace(/"[^"]*"/g, '')
      .replace(/![^!\s]*!/g, '')
      .replace(/\[[A-Za-z]:[^\]]*\]/g, '');
    if (!MUSIC.test(music)) errors.push(`line ${n}: unexpected characters ${JSON.stringify(music.replace(MUSIC_CHARS, ''))}`);
    if (
      !balanced(
        music
          .replace(/\[[1-9]/g, '')
          .replace(/\|\]/g, '|')
          .replace(/\[\|/g, '|'),
        '[',
        ']',
      )
    )
      errors.push(`line ${n}: unbalanced [ ] (chord)`);
    if (!balanced(music, '{', '}')) errors.push(`line ${n}: unbalanced { } (grace notes)`);
    const slurText = music.replace(/\(\d(?::\d*){0,2}/g, ''); // "(3" and "(3:2:3" are tuplets, not slurs
    for (const ch of slurText) {
      if (ch === '(') slurs++;
      else if (ch === ')' && --slurs < 0) {
        errors.push(`line ${n}: ) closes no slur`);
        slurs = 0;
      }
    }
    bars += (music.match(/\|+|::/g) ?? []).length;
    notes += (music.match(/[A-Ga-g]/g) ?? []).length;
  });
  if (slurs > 0) errors.push(`body: ${slurs} unclosed slur(s)`);
  if (notes === 0) errors.push('body: no notes');
  if (bars === 0) errors.push('body: no bar lines');
  return { valid: errors.length === 0, errors, headers, bars, notes };
}

const MUSIC_CHARS = /[A-Ga-gzZxy,'^=_0-9/|:[\]()\-~.HLMOPSTuv{}<>\s\\&]/g;

function balanced(text: string, open: string, close: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === open) depth++;
    else if (ch === close && --depth < 0) return false;
  }
  return depth === 0;
}
