/**
 * Whether a sentence opens with a word that points back to the sentence before it ("He is also
 * the oldest...", "These materials are vital..."): its subject is named elsewhere. Pure.
 * Used by retrieval (a ranking feature) and by answer composition (cite the sentence it points to).
 */
const BACK_REFERENCE_START = /^["'“(]*(he|she|it|they|his|her|its|their|this|these|those|that)\b/i;

export function opensWithBackReference(text: string): boolean {
  return BACK_REFERENCE_START.test(text);
}
