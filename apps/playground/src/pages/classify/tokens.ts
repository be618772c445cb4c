// Splitting what the user types into the tokens the entity tagger reads (kept apart from the task: no data here).

/** The tokens of a typed sentence: words (with inner apostrophes and hyphens) and single punctuation marks. */
export function splitTokens(sentence: string): string[] {
  return sentence.match(/[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu) ?? [];
}
