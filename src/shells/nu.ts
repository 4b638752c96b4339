import type { EnvFormat } from './types.js';
import { nulRefusal, unpairedSurrogateRefusal } from './refusals.js';

/**
 * nushell cannot evaluate text, so `--shell nu` prints data, which the
 * function of `stsenv init nu` (shells/stsenv.nu, a `def --env`) reads with
 * `from json --strict --objects` and applies with load-env and hide-env.
 *
 * One JSON document per line (JSON Lines): {"name":NAME,"value":VALUE} sets
 * NAME, {"name":NAME,"value":null} hides it. nushell's `from json --objects`
 * parses each non-empty line on its own, and `--strict` parses with
 * serde_json, which "follows the json specification exactly"
 * (nushell crates/nu-command/src/formats/from/json.rs: read_json_lines,
 * try_str_to_value). JSON.stringify escapes `"`, `\` and every control
 * character and writes every other character as itself (ECMA-262,
 * QuoteJSONString), so no line break is left inside a line and every string
 * of Unicode characters comes back exactly; a lone surrogate it would write as
 * a \uD800 escape, which serde_json refuses, so it is refused here.
 */
export const nu: EnvFormat = {
  kind: 'env',
  name: 'nu',
  aliases: ['nushell'],
  description: 'nushell: the function of stsenv init nu reads it (JSON lines: from json --objects)',
  lineEnding: '\n',
  refuse: (value) => nulRefusal(value) ?? unpairedSurrogateRefusal(value),
  setLine: (name, value) => `{"name":${JSON.stringify(name)},"value":${JSON.stringify(value)}}`,
  clearLine: (name) => `{"name":${JSON.stringify(name)},"value":null}`,
  integration: 'stsenv.nu',
};
