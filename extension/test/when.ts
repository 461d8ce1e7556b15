// A small evaluator for the subset of VS Code `when` clauses that package.json uses, so the unit tests can
// check which menu entries a tree item shows without starting an editor.

type Ctx = Record<string, string | boolean | undefined>;

function tokenize(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (src.startsWith('&&', i) || src.startsWith('||', i) || src.startsWith('==', i) || src.startsWith('!=', i) || src.startsWith('=~', i)) {
      const op = src.slice(i, i + 2);
      out.push(op);
      i += 2;
      if (op === '=~') {
        while (/\s/.test(src[i])) i++;
        // a regex literal: /.../flags, with escaped slashes
        if (src[i] !== '/') throw new Error(`regex expected at ${i} in ${src}`);
        let j = i + 1;
        while (j < src.length && src[j] !== '/') j += src[j] === '\\' ? 2 : 1;
        j++;
        while (j < src.length && /[a-z]/.test(src[j])) j++;
        out.push(src.slice(i, j));
        i = j;
      }
    } else if (ch === '!' || ch === '(' || ch === ')') {
      out.push(ch);
      i++;
    } else {
      let j = i;
      while (j < src.length && !/[\s()!&|=]/.test(src[j])) j++;
      out.push(src.slice(i, j));
      i = j;
    }
  }
  return out;
}

export function evaluateWhen(expr: string | undefined, ctx: Ctx): boolean {
  if (expr === undefined) return true;
  const toks = tokenize(expr);
  let pos = 0;
  const value = (t: string): string | boolean | undefined => (t === 'true' ? true : t === 'false' ? false : ctx[t]);
  const primary = (): boolean => {
    const t = toks[pos++];
    if (t === '!') return !primary();
    if (t === '(') {
      const v = or();
      if (toks[pos++] !== ')') throw new Error(`missing ) in ${expr}`);
      return v;
    }
    const op = toks[pos];
    if (op === '==' || op === '!=') {
      pos++;
      const rhs = toks[pos++];
      const eq = String(value(t) ?? '') === rhs;
      return op === '==' ? eq : !eq;
    }
    if (op === '=~') {
      pos++;
      const lit = toks[pos++];
      const last = lit.lastIndexOf('/');
      const re = new RegExp(lit.slice(1, last), lit.slice(last + 1));
      const v = value(t);
      return typeof v === 'string' && re.test(v);
    }
    return !!value(t);
  };
  const and = (): boolean => {
    let v = primary();
    while (toks[pos] === '&&') {
      pos++;
      const r = primary();
      v = v && r;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (toks[pos] === '||') {
      pos++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const result = or();
  if (pos !== toks.length) throw new Error(`unparsed tail in ${expr}: ${toks.slice(pos).join(' ')}`);
  return result;
}
