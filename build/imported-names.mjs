// The names a source file imports from a module, read from its syntax tree (TypeScript's own
// parser: the one tsc uses on the same files), for the build's plugins, which spell those names
// out between bundles (build/bundles.mjs).
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * The names `file` imports from `specifier`: `import { a, b as c }`, `import d`,
 * `export { e } from`, `const { f } = await import()` and `(await import()).g`; undefined when
 * it takes the module whole (a namespace, `export *`, an import() kept as an object, a bare
 * `import 'x'`). Type-only imports are not imports: the bundle has none of them.
 */
export function importedNames(file, specifier) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names = new Set();
  let whole = false;
  const named = (elements) => {
    for (const element of elements) if (!element.isTypeOnly) names.add((element.propertyName ?? element.name).text);
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && node.moduleSpecifier.text === specifier) {
      const clause = node.importClause;
      if (!clause) whole = true;
      else if (!clause.isTypeOnly) {
        if (clause.name) names.add('default');
        if (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings)) whole = true;
        else if (clause.namedBindings) named(clause.namedBindings.elements);
      }
      return;
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier?.text === specifier) {
      if (node.isTypeOnly) return;
      if (node.exportClause && ts.isNamedExports(node.exportClause)) named(node.exportClause.elements);
      else whole = true;
      return;
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      ts.isStringLiteral(node.arguments[0] ?? node) &&
      node.arguments[0].text === specifier
    ) {
      const taken = dynamicNames(node);
      if (taken) for (const name of taken) names.add(name);
      else whole = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return whole ? undefined : names;
}

/** What an `await import()` is destructured into or read from; undefined for anything else. */
function dynamicNames(call) {
  if (!ts.isAwaitExpression(call.parent)) return undefined;
  let used = call.parent;
  while (ts.isParenthesizedExpression(used.parent)) used = used.parent;
  const parent = used.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === used) return [parent.name.text];
  if (ts.isVariableDeclaration(parent) && ts.isObjectBindingPattern(parent.name)) {
    const names = [];
    for (const element of parent.name.elements) {
      const key = element.propertyName ?? element.name;
      if (element.dotDotDotToken || !ts.isIdentifier(key)) return undefined;
      names.push(key.text);
    }
    return names;
  }
  return undefined;
}
