import { parseTree, getNodeValue, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { ImportFileError, type ImportRow, type RecordKind } from './import.types';

const SECTIONS: Record<string, RecordKind> = { policies: 'policy', statements: 'statement', events: 'event' };
/** Keys a file may carry to describe itself; the importer does not read them. */
const METADATA = new Set(['$schema', 'about', 'licence', 'license', 'sources']);

/**
 * `{ "policies": [...], "statements": [...], "events": [...] }`, each record
 * reported by the line where it starts.
 */
export function readJsonRows(text: string, file: string): ImportRow[] {
  const lineAt = lineIndex(text);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const where = first ? ` at line ${lineAt(first.offset)}` : '';
    throw new ImportFileError(`${file}: not valid JSON${where}${first ? ` (${printParseErrorCode(first.error)})` : ''}`);
  }
  if (root.type !== 'object') throw new ImportFileError(`${file}: expected an object with "policies", "statements" or "events"`);
  const rows: ImportRow[] = [];
  for (const property of root.children ?? []) {
    const [keyNode, valueNode] = property.children as [Node, Node | undefined];
    const key = String(keyNode.value);
    const kind = SECTIONS[key];
    if (!kind) {
      if (METADATA.has(key)) continue;
      throw new ImportFileError(`${file}: unknown section "${key}" at line ${lineAt(keyNode.offset)}; expected policies, statements or events`);
    }
    if (valueNode?.type !== 'array') throw new ImportFileError(`${file}: "${key}" must be a list`);
    for (const element of valueNode.children ?? []) {
      const line = lineAt(element.offset);
      if (element.type !== 'object') throw new ImportFileError(`${file}: line ${line}: each entry of "${key}" must be an object`);
      rows.push({ kind, file, line, data: getNodeValue(element) as Record<string, unknown> });
    }
  }
  return rows;
}

/** Line numbers by binary search over line starts, so large files stay linear. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}
