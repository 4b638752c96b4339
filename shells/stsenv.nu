# stsenv shell integration for nushell.
#
# Install: save it once, then source it from config.nu:
#   mkdir $nu.default-config-dir; stsenv init nu | save --force ($nu.default-config-dir | path join stsenv.nu)
#   source stsenv.nu          # in config.nu (a path relative to config.nu's folder)
#
# Defines a command `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...`, `stsenv export ...` and `stsenv unset` then change
# this shell's environment directly; every other command line runs as it is.
# It parses no option: it runs stsenv with STSENV_EVAL set and stsenv answers
# either the variables to load (JSON lines) or `::stsenv-run` (run me again as
# I am). A failure is stsenv's error ($env.LAST_EXIT_CODE is its exit code)
# and changes nothing.
def --env --wrapped stsenv [...args: string] {
    let out = (with-env { STSENV_EVAL: nu } { ^stsenv ...$args })
    if $out == '::stsenv-run' {
        ^stsenv ...$args
    } else {
        let changes = ($out | from json --strict --objects)
        load-env ($changes | where value != null | reduce --fold {} {|change, vars| $vars | insert $change.name $change.value })
        hide-env --ignore-errors ...($changes | where value == null | get name)
    }
}
