/**
 * Reading one field of a field list.
 * @packageDocumentation
 */

/** The value of the first field named `name` in `fields` (names as on the wire, lowercase), or `undefined`. */
export function fieldValue(fields: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  for (let i = 0; i < fields.length; i++) if (fields[i]![0] === name) return fields[i]![1];
  return undefined;
}
