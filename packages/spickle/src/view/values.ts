// Values of a snapshot as the viewer shows them: one-line previews in the manner of Node's
// util.inspect (strings quoted, objects as `Class { key: value, … }`, long values cut), read from
// the body index (@spickle/pickle/contents) — never from live objects.
import { ARRAY_ITEM, entryFields, RECORD_ITEM, type BodyGraph, type BodyIndex, type EntryField, type WireValue } from "@spickle/pickle/contents";

/** Characters of a string shown before it is cut (the rest is expandable). */
export const STRING_CUT = 120;
/** Fields of an object listed in the page for it (the rest counted). */
export const FIELD_LIMIT = 500;
/** Characters of a long string kept in the page for expanding it. */
const FULL_TEXT_LIMIT = 100_000;

/** One field as the page shows it: key, preview text, the entry it refers to, the whole text of a
 * cut string. */
export interface FieldView {
  k: string;
  v: string;
  ref?: number;
  full?: string;
  /** A field of the format (a prototype, a handler's kind) rather than a property. */
  internal?: true;
}

/** One entry of the body as the page shows it. */
export interface NodeView {
  id: number;
  /** Type, bytes, retained bytes, preview. */
  t: string;
  s: number;
  r: number;
  p: string;
  /** Parent on the shortest retainer path (-1: the root, -2: unreachable). */
  par: number;
  /** The key under which the parent holds it. */
  via?: string;
  f: FieldView[];
  /** Fields not listed (FIELD_LIMIT). */
  more?: number;
}

function quote(text: string): string {
  const q = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/[\\\n\r\t\u0000-\u001f]/g, (ch) =>
    ch === "\\" ? "\\\\" : ch === "\n" ? "\\n" : ch === "\r" ? "\\r" : ch === "\t" ? "\\t" : `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped) + q;
}

/** A string quoted, cut at `cut` characters with what was left out counted. */
export function stringText(text: string, cut = STRING_CUT): string {
  if (text.length <= cut) return quote(text);
  return `${quote(text.slice(0, cut))}… ${(text.length - cut).toLocaleString("en-US")} more characters`;
}

function isRef(value: WireValue): value is { ref: number } {
  return typeof value === "object" && value !== null && "ref" in value;
}

/** A primitive as util.inspect prints it. */
function primitiveText(value: WireValue, cut: number): string {
  if (typeof value === "string") return stringText(value, cut);
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  if (typeof value === "object") {
    if ("binary" in value) return `<${value.binary.length} bytes>`;
    if ("list" in value) return `[${value.list.length} values]`;
  }
  return String(value);
}

const fieldValue = (fields: EntryField[], key: string) => fields.find((f) => f.key === key)?.value;

/** Whether a field is one of the object's own properties (not a field of the format). */
const isProperty = (f: EntryField) => f.role === undefined;

/** The short form of an entry inside another's preview (`[Object]`, `[Function f]`, a number…). */
function shortText(index: BodyIndex, entry: number): string {
  const type = index.typeNames[index.type[entry]!]!;
  const fields = entryFields(index, entry);
  const special = specialText(index, entry, type, fields);
  if (special !== undefined) return special;
  if (index.tag[entry] === ARRAY_ITEM || type === "Array") return `[Array(${fields.filter(isProperty).length})]`;
  return `[${type}]`;
}

/** Entries shown as what they stand for rather than as objects (numbers, symbols, functions, dates…). */
function specialText(index: BodyIndex, entry: number, type: string, fields: EntryField[]): string | undefined {
  switch (type) {
    case "number":
      return primitiveText(fieldValue(fields, "value") ?? -0, STRING_CUT);
    case "BigInt":
      return bigintText(String(fieldValue(fields, "hex") ?? "0"));
    case "Symbol": {
      const d = fieldValue(fields, "description") ?? fieldValue(fields, "key") ?? fieldValue(fields, "name");
      return `Symbol(${d === undefined || d === null ? "" : String(d)})`;
    }
    case "Function": {
      const site = fieldValue(fields, "function");
      const name = typeof site === "string" ? site.slice(site.lastIndexOf("#") + 1) : "";
      return `[Function${name ? ` ${name}` : " (anonymous)"}]`;
    }
    case "Date": {
      const time = fieldValue(fields, "time");
      return typeof time === "number" && Number.isFinite(time) ? new Date(time).toISOString() : "Invalid Date";
    }
    case "RegExp":
      return `/${String(fieldValue(fields, "source"))}/${String(fieldValue(fields, "flags") ?? "")}`;
    case "(by reference)":
      return `‹${String(fieldValue(fields, "path"))}›`;
    case "Module":
      return `[Module ${index.modules.get(entry) ?? ""}]`;
  }
  return undefined;
}

/** A BigInt's hex digits (with an optional sign) as decimal, as util.inspect prints it. */
function bigintText(hex: string): string {
  const negative = hex.startsWith("-");
  try {
    return `${negative ? "-" : ""}${BigInt(`0x${negative ? hex.slice(1) : hex}`)}n`;
  } catch {
    return "[BigInt]";
  }
}

/** A wire value as one line of at most about `width` characters. */
export function valueText(index: BodyIndex, value: WireValue, width = 80): string {
  if (!isRef(value)) return primitiveText(value, Math.min(STRING_CUT, width));
  return previewOf(index, value.ref, width);
}

/** An entry as util.inspect would print it on one line, cut at about `width` characters. */
export function previewOf(index: BodyIndex, entry: number, width = 80): string {
  const type = index.typeNames[index.type[entry]!]!;
  const fields = entryFields(index, entry);
  const special = specialText(index, entry, type, fields);
  if (special !== undefined) return special;
  const inner = (v: WireValue) => (isRef(v) ? shortText(index, v.ref) : primitiveText(v, 40));
  // Each part made only when it is shown: an array of a million elements previews in a few reads.
  let parts: Array<() => string>;
  let open: string;
  let close: string;
  const props = fields.filter(isProperty);
  if (type === "Map") {
    const keys = fields.filter((f) => f.role === "mapKey");
    const values = fields.filter((f) => f.role === "mapValue");
    parts = keys.map((k, i) => () => `${inner(k.value)} => ${inner(values[i]?.value)}`);
    [open, close] = [`Map(${keys.length}) {`, "}"];
  } else if (type === "Set") {
    const values = fields.filter((f) => f.role === "setValue");
    parts = values.map((v) => () => inner(v.value));
    [open, close] = [`Set(${values.length}) {`, "}"];
  } else if (index.tag[entry] === ARRAY_ITEM || type === "Array") {
    parts = props.map((f) => () => (/^\d+$/.test(f.key) ? inner(f.value) : `${f.key}: ${inner(f.value)}`));
    [open, close] = [props.length > 6 ? `(${props.length}) [` : "[", "]"];
  } else {
    parts = props.map((f) => () => `${/^[A-Za-z_$][\w$]*$/.test(f.key) ? f.key : quote(f.key)}: ${inner(f.value)}`);
    const name = type === "Object" || index.tag[entry] === RECORD_ITEM ? "" : `${type} `;
    [open, close] = [`${name}{`, "}"];
  }
  if (parts.length === 0) return `${open}${close}`;
  let text = `${open} `;
  for (let i = 0; i < parts.length; i++) {
    const next = `${parts[i]!()}${i < parts.length - 1 ? ", " : " "}`;
    if (text.length + next.length > width && i > 0) return `${text}… ${parts.length - i} more ${close}`;
    text += next;
  }
  return text + close;
}

/** The keys under which recently asked parents hold each child: a parent with a million fields is
 * read once for all of its children, not once per child. */
export class ViaCache {
  private readonly parents = new Map<number, Map<number, string>>();

  keyOf(index: BodyIndex, parent: number, child: number): string | undefined {
    let keys = this.parents.get(parent);
    if (keys === undefined) {
      keys = new Map();
      for (const f of entryFields(index, parent)) {
        if (isRef(f.value) && !keys.has(f.value.ref)) keys.set(f.value.ref, f.role === "mapKey" ? `key ${f.key}` : f.key);
      }
      if (this.parents.size >= 64) this.parents.delete(this.parents.keys().next().value!);
      this.parents.set(parent, keys);
    }
    return keys.get(child);
  }
}

/** The page's view of entry `entry`. */
export function nodeView(index: BodyIndex, graph: BodyGraph, entry: number, via = new ViaCache()): NodeView {
  const fields = entryFields(index, entry);
  const par = graph.parent[entry]!;
  const view: NodeView = {
    id: entry,
    t: index.typeNames[index.type[entry]!]!,
    s: index.size[entry]!,
    r: graph.retained[entry]!,
    p: previewOf(index, entry),
    par,
    f: [],
  };
  if (par >= 0) {
    const key = via.keyOf(index, par, entry);
    if (key !== undefined) view.via = key;
  }
  for (const f of fields.slice(0, FIELD_LIMIT)) {
    const field: FieldView = { k: f.role === "mapKey" ? `key ${f.key}` : f.role === "mapValue" ? `value ${f.key}` : f.key, v: valueText(index, f.value) };
    if (isRef(f.value)) field.ref = f.value.ref;
    if (typeof f.value === "string" && f.value.length > STRING_CUT) field.full = f.value.slice(0, FULL_TEXT_LIMIT);
    if (f.role === "internal") field.internal = true;
    view.f.push(field);
  }
  if (fields.length > FIELD_LIMIT) view.more = fields.length - FIELD_LIMIT;
  return view;
}
