// The symbol-keyed own properties the runtime puts on functions: tags, not program state, so the
// pickler skips them when it writes a function's own properties.
import { BOUND, SCOPE, SITE, SITE_INFO } from "./closures.js";
import { MARKED } from "./generator.js";

export const INTERNAL_KEYS: ReadonlySet<PropertyKey> = new Set<PropertyKey>([SITE, SCOPE, SITE_INFO, BOUND, MARKED]);
