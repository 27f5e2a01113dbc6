/**
 * JSON views of documents and the `doc.patch` patches that keep them current (docs/documents.md,
 * "JSON patches"). Applied in order to the previous view they give the view at the patch's heads.
 * Text indexes count Unicode code points, as the server does.
 */

export type PathSegment = string | number;

/** A JSON operation a client sends in `doc.ops` (docs/documents.md, "JSON operations"). */
export type DocOp =
  | { op: 'put'; path: PathSegment[]; value: unknown }
  | { op: 'delete'; path: PathSegment[]; count?: number }
  | { op: 'insert'; path: PathSegment[]; value?: unknown; values?: unknown[] }
  | { op: 'splice'; path: PathSegment[]; index: number; delete?: number; text?: string }
  | { op: 'increment'; path: PathSegment[]; by?: number };

/** A patch the server sends in `doc.patch`. */
export type DocPatch =
  | { op: 'put'; path: PathSegment[]; value: unknown }
  | { op: 'delete'; path: PathSegment[]; count?: number }
  | { op: 'insert'; path: PathSegment[]; values: unknown[] }
  | { op: 'splice'; path: PathSegment[]; index: number; delete: number; text: string }
  | { op: 'increment'; path: PathSegment[]; by: number };

type Container = Record<string, unknown> | unknown[];

/** Applies `patches` to `view` in place and returns the view. Throws on a patch that does not fit. */
export function applyDocPatches(view: unknown, patches: readonly DocPatch[]): unknown {
  for (const patch of patches) applyOne(view, patch);
  return view;
}

function applyOne(root: unknown, patch: DocPatch): void {
  const path = patch.path;
  if (!Array.isArray(path) || path.length === 0) throw new Error(`patch without a path: ${JSON.stringify(patch)}`);
  const parent = walk(root, path);
  const last = path[path.length - 1];
  switch (patch.op) {
    case 'put':
      set(parent, last, copy(patch.value));
      return;
    case 'insert': {
      const list = asList(parent, patch);
      list.splice(Number(last), 0, ...(patch.values ?? []).map(copy));
      return;
    }
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), patch.count ?? 1);
      else delete (parent as Record<string, unknown>)[String(last)];
      return;
    case 'splice': {
      const chars = Array.from(String(get(parent, last) ?? ''));
      chars.splice(patch.index, patch.delete ?? 0, ...Array.from(patch.text ?? ''));
      set(parent, last, chars.join(''));
      return;
    }
    case 'increment':
      set(parent, last, Number(get(parent, last) ?? 0) + Number(patch.by ?? 0));
      return;
    default:
      throw new Error(`unknown patch op ${(patch as { op: string }).op}`);
  }
}

/** The container that holds the path's last segment. */
function walk(root: unknown, path: PathSegment[]): Container {
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) cur = get(cur as Container, path[i]);
  if (cur === null || typeof cur !== 'object') throw new Error(`no container at ${JSON.stringify(path.slice(0, -1))}`);
  return cur as Container;
}

function get(container: Container, segment: PathSegment): unknown {
  return Array.isArray(container) ? container[Number(segment)] : container[String(segment)];
}

function set(container: Container, segment: PathSegment, value: unknown): void {
  if (Array.isArray(container)) container[Number(segment)] = value;
  else container[String(segment)] = value;
}

function asList(container: Container, patch: DocPatch): unknown[] {
  if (!Array.isArray(container)) throw new Error(`insert into a non-list: ${JSON.stringify(patch.path)}`);
  return container;
}

/** Patches own their values: the view must not share objects with a frame the app may also hold. */
function copy(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
}
