// Text normalisation applied before tokenising, saved with the tokenizer so inference sees the same text.
import { CorruptModelError, checkOneOf, InvalidArgumentError } from '@rnn/core';

export const UNICODE_FORMS = ['NFKC', 'NFC', 'none'] as const;
export type UnicodeForm = (typeof UNICODE_FORMS)[number];

export interface Normalization {
  /** Lower-case (locale-independent `toLowerCase`), after the Unicode form. */
  lowercase: boolean;
  /** Unicode normal form: NFKC folds compatibility characters (ligatures, full-width letters) into plain ones. */
  unicode: UnicodeForm;
}

export function resolveNormalization(options: Partial<Normalization>, defaults: Normalization): Normalization {
  const lowercase = options.lowercase ?? defaults.lowercase;
  if (typeof lowercase !== 'boolean') throw new InvalidArgumentError('options.lowercase', 'a boolean', lowercase);
  return { lowercase, unicode: checkOneOf('options.unicode', options.unicode ?? defaults.unicode, UNICODE_FORMS) };
}

export function normalizationFromJSON(json: unknown): Normalization {
  const n = json as Partial<Normalization> | null;
  if (typeof n !== 'object' || n === null || typeof n.lowercase !== 'boolean' || !UNICODE_FORMS.includes(n.unicode as UnicodeForm))
    throw new CorruptModelError('tokenizer.normalization', '{ lowercase: boolean, unicode: "NFKC" | "NFC" | "none" }', n);
  return { lowercase: n.lowercase, unicode: n.unicode as UnicodeForm };
}

export function normalizeText(text: string, n: Normalization): string {
  const formed = n.unicode === 'none' ? text : text.normalize(n.unicode);
  return n.lowercase ? formed.toLowerCase() : formed;
}
