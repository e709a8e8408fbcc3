/** Times of day: "HH:MM[:SS[.fff]]" ↔ seconds after midnight. */

/** Seconds after midnight of "HH:MM", "HH:MM:SS" or "HH:MM:SS.fff"; a number passes through. Throws a one-line error otherwise. */
export function clockSeconds(t: string | number): number {
  if (typeof t === 'number') {
    if (!Number.isFinite(t) || t < 0 || t >= 86_400) throw new RangeError(`not a time of day: ${t} (seconds after midnight, 0 to 86,400)`);
    return t;
  }
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(t.trim());
  if (!m || +m[1] > 23 || +m[2] > 59 || (m[3] !== undefined && +m[3] >= 60)) {
    throw new RangeError(`not a time of day: ${JSON.stringify(t)} (expected HH:MM or HH:MM:SS)`);
  }
  return +m[1] * 3600 + +m[2] * 60 + (m[3] ? +m[3] : 0);
}

/** "HH:MM:SS" of seconds after midnight (fractions cut). */
export function clockString(sec: number): string {
  const s = Math.floor(sec);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}
