import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The names of the fields selected under the current field (through inline fragments and
 * fragment spreads), or null when the selection cannot be read plainly. Lets a loader fetch
 * only the columns a query reads.
 */
export function selectedFieldNames(info: GraphQLResolveInfo): Set<string> | null {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, depth: number): boolean => {
    if (!set || depth > 10) return false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!visit(selection.selectionSet, depth + 1)) return false;
      } else {
        const fragment = info.fragments[selection.name.value];
        if (!fragment || !visit(fragment.selectionSet, depth + 1)) return false;
      }
    }
    return true;
  };
  for (const node of info.fieldNodes) if (!visit(node.selectionSet, 0)) return null;
  return names;
}

/**
 * Whether a field named `name` is selected anywhere below the current field (through fragments), so a
 * page can read what its nested fields will ask for in its own statement; with `within`, only below
 * fields of that name (a feed page's `previous { sources }`). True when unsure.
 */
export function selectsBelow(info: GraphQLResolveInfo, name: string, within?: string): boolean {
  const visit = (set: SelectionSetNode | undefined, depth: number, inside: boolean, seen: ReadonlySet<string>): boolean => {
    if (!set) return false;
    if (depth > 20) return true;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name && inside) return true;
        if (visit(selection.selectionSet, depth + 1, inside || selection.name.value === within, seen)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (visit(selection.selectionSet, depth + 1, inside, seen)) return true;
      } else if (!seen.has(selection.name.value)) {
        const fragment = info.fragments[selection.name.value];
        if (!fragment || visit(fragment.selectionSet, depth + 1, inside, new Set([...seen, selection.name.value]))) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet, 0, within === undefined, new Set()));
}
