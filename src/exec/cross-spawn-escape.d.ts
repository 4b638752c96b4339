// cross-spawn's escaping for cmd.exe (lib/util/escape.js), which src/exec/spawn-command.ts uses.
declare module 'cross-spawn/lib/util/escape.js' {
  /** A command name for cmd.exe: its metacharacters escaped with ^. */
  export function command(command: string): string;
  /** One argument quoted for the C runtime, then its cmd.exe metacharacters escaped with ^ (twice when asked). */
  export function argument(arg: string, doubleEscapeMetaChars?: boolean): string;
}
