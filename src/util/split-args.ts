/**
 * Splits a line into arguments the way Redis's sdssplitargs does, for inline commands and
 * config files: whitespace separates; "double quotes" take \n \r \t \b \a \\ \" and \xHH
 * escapes; 'single quotes' take \'; a closing quote must be followed by whitespace or the end.
 * Returns null for unbalanced quotes. Works on latin1 strings (one char per byte).
 */

const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

export function splitArgs(line: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isSpace(line[i]!)) i++;
    if (i >= line.length) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && line[i + 1] !== undefined) {
          i++;
          current += ESCAPES[line[i]!] ?? line[i]!;
        } else if (c === '"') {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1]!)) return null;
          i++;
          break;
        } else current += c;
      } else if (inSingle) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1]!)) return null;
          i++;
          break;
        } else current += c;
      } else {
        if (c === undefined || isSpace(c)) break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
      }
      i++;
    }
    args.push(current);
  }
}
