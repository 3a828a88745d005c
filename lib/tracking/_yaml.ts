/**
 * The flat YAML of MLflow's `meta.yaml` files: one `key: value` per line.
 *
 * @module
 */

/** A meta.yaml value: strings are written double-quoted (valid YAML), numbers and null bare. */
export type MetaValue = string | number | null | readonly never[];

/** Serializes a flat record as YAML lines. */
export function toMetaYaml(record: Readonly<Record<string, MetaValue>>): string {
  return Object.entries(record)
    .map(([k, v]) => {
      if (v === null) return `${k}: null`;
      if (Array.isArray(v)) return `${k}: []`;
      return `${k}: ${typeof v === "number" ? String(v) : JSON.stringify(v)}`;
    })
    .join("\n") + "\n";
}

/** Parses flat `key: value` YAML (quoted or bare scalars) into strings (null for `null`). */
export function parseMetaYaml(text: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z_][\w.]*):\s*(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2]!.trim();
    if (raw === "null" || raw === "~") out[m[1]!] = null;
    else if (raw.startsWith('"')) out[m[1]!] = JSON.parse(raw);
    else if (raw.startsWith("'")) out[m[1]!] = raw.slice(1, -1).replaceAll("''", "'");
    else out[m[1]!] = raw;
  }
  return out;
}
