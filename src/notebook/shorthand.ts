/**
 * tslab keeps a notebook's top-level variables on `exports` and rewrites each use of one in a later
 * cell to `exports.name` — but not a shorthand property: `simulate({ model, state })` in a later cell
 * runs as `{ model: model, … }` with no such variable (ReferenceError: model is not defined). Writing
 * every shorthand property out in full before tslab compiles the cell fixes that, and changes nothing
 * else (`{ a }` means `{ a: a }`). Text is only inserted within lines, so line numbers stay the same.
 */
type TsModule = typeof import('typescript');

export function expandShorthandProperties(code: string, ts: TsModule): string {
  const sf = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const inserts: Array<{ at: number; text: string }> = [];
  const visit = (node: import('typescript').Node): void => {
    if (ts.isShorthandPropertyAssignment(node)) inserts.push({ at: node.name.end, text: `: ${node.name.text}` });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (inserts.length === 0) return code;
  inserts.sort((a, b) => b.at - a.at);
  let out = code;
  for (const { at, text } of inserts) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
