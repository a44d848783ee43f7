/**
 * Flag values read as Substrate's CLI reads them (clap with `ignore_case`): `--rpc-methods Unsafe`,
 * `--output-type Json`. commander's `.choices()` is case-sensitive, so such flags use this parser.
 */
export function oneOf<T extends string>(flag: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    const v = value.toLowerCase();
    if (!(values as readonly string[]).includes(v)) throw new Error(`invalid --${flag} "${value}": expected one of ${values.join(", ")}`);
    return v as T;
  };
}
