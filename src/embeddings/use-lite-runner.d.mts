export interface UseLiteRunner {
  /** Unit-length 512-d vectors, in input order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

export function createUseLiteRunner(options: { model: Uint8Array; vocabulary: [string, number][]; threads?: number }): Promise<UseLiteRunner>;
