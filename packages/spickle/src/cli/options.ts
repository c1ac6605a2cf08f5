// Parsers of the command line's option values (for ./program.ts; they throw commander's
// InvalidArgumentError, so this module loads commander).

import { InvalidArgumentError } from "./commander.js";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `5m`, `1h`, `1.5h`, or a number of seconds → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? "s"]! : NaN;
  if (!(ms >= 1)) throw new InvalidArgumentError(`expected a duration such as 30s, 5m or 1h (at least 1ms), not "${text}"`);
  return Math.round(ms);
}

export function parseKeep(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of checkpoints (1 or more), not "${text}"`);
  return n;
}

const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `65536`, `64k`, `16M`, `1G` → bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(text);
  const bytes = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!(bytes >= 16 && bytes <= 0xffff_ffff)) throw new InvalidArgumentError(`expected a size such as 64M or 1G (16 bytes to 4G), not "${text}"`);
  return bytes;
}

/** `7000`, `127.0.0.1:7000`, `[::1]:7000`, `0.0.0.0:7000` → host and port (host 127.0.0.1 when
 * only a port is given). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new InvalidArgumentError(`expected <host:port> or <port>, such as 127.0.0.1:7000, not "${text}"`);
  return { host: m[1] ?? m[2] ?? "127.0.0.1", port };
}

/** A repeatable option's values. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
