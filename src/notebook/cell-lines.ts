/**
 * Where a runtime error happened in a cell's TypeScript source. tslab runs a cell's compiled
 * JavaScript, whose lines differ from the source (types erased, blank lines dropped, `exports.x = x`
 * added) and keeps no source map; this aligns compiled lines to source lines in order by their words
 * (a compiled line's identifiers and literals, minus `exports`, appear in order in its source line).
 * Best effort: null when a line cannot be placed.
 */
const WORD = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|'[^']*'|"[^"]*"|`[^`]*`/g;

function words(line: string): string[] {
  return (line.match(WORD) ?? []).filter((w) => w !== 'exports');
}

function isSubsequence(small: string[], big: string[]): boolean {
  let i = 0;
  for (const w of big) if (i < small.length && w === small[i]) i++;
  return i === small.length;
}

/** The 1-based source line of compiled line `compiledLine` (1-based), or null. */
export function sourceLineOf(compiled: string, source: string, compiledLine: number): number | null {
  const out = compiled.split('\n');
  const src = source.split('\n').map(words);
  let next = 0; // the first source line a later compiled line may map to
  for (let k = 0; k < Math.min(compiledLine, out.length); k++) {
    const w = words(out[k]);
    let found = -1;
    if (w.length > 0 && !/^\s*exports\.[\w$]+ = /.test(out[k]) && !/^Object\.defineProperty\(exports/.test(out[k].replace(/^\(async function\(exports, require\) \{ |^\(function\(exports, require\) \{ /, ''))) {
      for (let j = next; j < src.length; j++) {
        if (src[j].length > 0 && isSubsequence(w, src[j])) {
          found = j;
          break;
        }
      }
    }
    if (k === compiledLine - 1) return found >= 0 ? found + 1 : null;
    if (found >= 0) next = found;
  }
  return null;
}
