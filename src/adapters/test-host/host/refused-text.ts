// SES's evaluator refuses a whole source text in which `import(`, `eval(`, `<!--` or `-->` appears anywhere, strings
// included: it does not parse, so it cannot tell a dynamic import or a direct eval (which would reach past the
// compartment) or an HTML-like comment (which engines parse differently) from text that only looks like one. This
// transform rebuilds the literals holding such text so the source no longer does, with the same value: strings as sums
// of pieces, template texts around an empty substitution, regexps through `new RegExp`. Code that really imports or
// evals is no literal and is left as it is, for SES to refuse.
import { ts } from 'ts-morph';

/** Text SES refuses (its patterns, a little wider). */
const REFUSED = /(?:^|[^.]|\.\.\.)\b(?:import|eval)\s*(?:\(|\/[/*])|<!--|-->/;

/** Rewrites the literals of a module so that its compiled text passes SES's source checks. */
export const splitRefusedText: ts.TransformerFactory<ts.SourceFile> = (context) => (file) => {
  const f = ts.factory;
  const visitor =
    (parent: ts.Node) =>
    (node: ts.Node): ts.Node => {
      // Types are erased; a literal in one is no value to rebuild.
      if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return node;
      const tagged = ts.isTaggedTemplateExpression(parent);
      if (ts.isStringLiteral(node) && REFUSED.test(node.text)) return rebuiltString(node, parent);
      if (ts.isNoSubstitutionTemplateLiteral(node) && !tagged && REFUSED.test(node.text)) return splitTemplate([node.text], []);
      if (ts.isTemplateExpression(node) && !tagged) {
        const texts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
        const expressions = node.templateSpans.map((span) => ts.visitNode(span.expression, visitor(span), ts.isExpression)!);
        if (texts.some((text) => REFUSED.test(text))) return splitTemplate(texts, expressions);
      }
      if (ts.isRegularExpressionLiteral(node) && REFUSED.test(node.text)) {
        const slash = node.text.lastIndexOf('/');
        const [source, flags] = [node.text.slice(1, slash), node.text.slice(slash + 1)];
        return f.createNewExpression(f.createIdentifier('RegExp'), undefined, [concatenation(source), f.createStringLiteral(flags)]);
      }
      return ts.visitEachChild(node, visitor(node), context);
    };
  return ts.visitNode(file, visitor(file)) as ts.SourceFile;
};

/** The string where it is a value or a property name; as it is where it is neither (module names, enum members). */
function rebuiltString(node: ts.StringLiteral, parent: ts.Node): ts.Node {
  const f = ts.factory;
  const named = ts.isPropertyAssignment(parent) || ts.isClassElement(parent) || ts.isBindingElement(parent);
  if (named && (parent.name === node || (ts.isBindingElement(parent) && parent.propertyName === node))) {
    return f.createComputedPropertyName(concatenation(node.text));
  }
  if (ts.isJsxAttribute(parent)) return f.createJsxExpression(undefined, concatenation(node.text));
  const notValue =
    ts.isImportDeclaration(parent) ||
    ts.isExportDeclaration(parent) ||
    ts.isExternalModuleReference(parent) ||
    ts.isModuleDeclaration(parent) ||
    ts.isImportAttribute(parent) ||
    ts.isImportSpecifier(parent) ||
    ts.isExportSpecifier(parent) ||
    ts.isEnumMember(parent);
  return notValue ? node : concatenation(node.text);
}

/** A template of these texts around these expressions, each text cut by empty substitutions where SES would look. */
function splitTemplate(texts: string[], expressions: ts.Expression[]): ts.TemplateLiteral {
  const f = ts.factory;
  const parts: Array<{ text: string; expression?: ts.Expression }> = [];
  texts.forEach((text, i) => {
    cut(text).forEach((piece, j) => {
      parts.push({ text: piece, expression: j > 0 ? f.createStringLiteral('') : expressions[i - 1] });
    });
  });
  if (parts.length === 1) return f.createNoSubstitutionTemplateLiteral(parts[0]!.text);
  const last = parts.length - 2;
  const spans = parts
    .slice(1)
    .map((part, i) =>
      f.createTemplateSpan(part.expression!, i === last ? f.createTemplateTail(part.text) : f.createTemplateMiddle(part.text)),
    );
  return f.createTemplateExpression(f.createTemplateHead(parts[0]!.text), spans);
}

/** `text` as a sum of string literals, cut where SES would look. */
function concatenation(text: string): ts.Expression {
  const [first, ...rest] = cut(text);
  const f = ts.factory;
  return rest.reduce<ts.Expression>(
    (sum, piece) => f.createBinaryExpression(sum, ts.SyntaxKind.PlusToken, f.createStringLiteral(piece)),
    f.createStringLiteral(first!),
  );
}

/** The pieces of `text`, cut inside every `import(`, `eval(`, `<!--` and `-->`. */
function cut(text: string): string[] {
  return text.split(/(?<=<!-|--|\bimpor|\beva)(?=-|>|t\s*[(/]|l\s*[(/])/);
}
