/**
 * Order token ids: `type·(P·V·I) + price·(V·I) + volume·I + interval`, with P price bins, V volume
 * bins and I interval bins (MarS: 3 × 32 × 32 × 16 = 49,152 ids). Type 0 = S, 1 = B, 2 = C.
 */

export interface TokenLayout {
  types: number;
  priceBins: number;
  volumeBins: number;
  intervalBins: number;
}

export const MARS_LAYOUT: TokenLayout = Object.freeze({ types: 3, priceBins: 32, volumeBins: 32, intervalBins: 16 });

export function vocabularySize(l: TokenLayout): number {
  return l.types * l.priceBins * l.volumeBins * l.intervalBins;
}

export function tokenId(l: TokenLayout, type: number, price: number, volume: number, interval: number): number {
  return ((type * l.priceBins + price) * l.volumeBins + volume) * l.intervalBins + interval;
}

export interface TokenParts {
  type: number;
  price: number;
  volume: number;
  interval: number;
}

export function tokenParts(l: TokenLayout, id: number, out: TokenParts = { type: 0, price: 0, volume: 0, interval: 0 }): TokenParts {
  if (!(id >= 0 && id < vocabularySize(l) && Number.isInteger(id))) {
    throw new RangeError(`token id ${id} is outside 0..${vocabularySize(l) - 1}`);
  }
  out.interval = id % l.intervalBins;
  let rest = (id - out.interval) / l.intervalBins;
  out.volume = rest % l.volumeBins;
  rest = (rest - out.volume) / l.volumeBins;
  out.price = rest % l.priceBins;
  out.type = (rest - out.price) / l.priceBins;
  return out;
}
