export interface UseLiteRunner {
  /** Unit-length 512-d vectors for rows of token ids (cut to the model's 128), in input order. */
  embed(tokens: number[][]): Promise<Float32Array[]>;
}

export function createUseLiteRunner(options: { model: Uint8Array; threads?: number }): Promise<UseLiteRunner>;
