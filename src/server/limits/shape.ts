import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** What an operation asks for once its fragments are expanded. */
export interface Shape {
  /** Nesting of fields: `{ a { b } }` is 2. */
  depth: number;
  aliases: number;
  directives: number;
  /** Fields, counting a fragment once per spread: the work a naive walk of the operation does. */
  selections: number;
}

const EMPTY: Shape = { depth: 0, aliases: 0, directives: 0, selections: 0 };

/**
 * Measures every operation of a document. Each fragment is measured once and
 * remembered, so a document that spreads fragments into each other (each
 * level doubling the last) takes time linear in its size, while the counts
 * reflect the full expansion (they may reach Infinity). A fragment cycle
 * counts as empty here; the NoFragmentCycles rule reports it.
 */
export function measureOperations(document: DocumentNode): Array<{ operation: OperationDefinitionNode; shape: Shape }> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, Shape>();
  const inProgress = new Set<string>();

  const fragment = (name: string): Shape => {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || inProgress.has(name)) return EMPTY;
    inProgress.add(name);
    const shape = plus(selectionSet(definition.selectionSet), definition.directives?.length ?? 0);
    inProgress.delete(name);
    measured.set(name, shape);
    return shape;
  };

  const selectionSet = (set: SelectionSetNode | undefined): Shape => {
    const total = { ...EMPTY };
    for (const selection of set?.selections ?? []) {
      let inner: Shape;
      if (selection.kind === Kind.FIELD) {
        const child = selectionSet(selection.selectionSet);
        inner = {
          depth: child.depth + 1,
          aliases: child.aliases + (selection.alias ? 1 : 0),
          directives: child.directives + (selection.directives?.length ?? 0),
          selections: child.selections + 1,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = plus(selectionSet(selection.selectionSet), selection.directives?.length ?? 0);
      } else {
        inner = plus(fragment(selection.name.value), selection.directives?.length ?? 0);
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.aliases += inner.aliases;
      total.directives += inner.directives;
      total.selections += inner.selections;
    }
    return total;
  };

  return document.definitions
    .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({ operation, shape: plus(selectionSet(operation.selectionSet), operation.directives?.length ?? 0) }));
}

function plus(shape: Shape, directives: number): Shape {
  return directives === 0 ? shape : { ...shape, directives: shape.directives + directives };
}
