# stsenv shell integration for bash and zsh.
#
# Install (one line in ~/.bashrc or ~/.zshrc):
#   eval "$(stsenv init bash)"        # or: eval "$(stsenv init zsh)"
#
# Defines a function `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...`, `stsenv export ...` and `stsenv unset` then change
# this shell's environment directly; every other command line runs as it is.
# The function parses no option: it runs stsenv with STSENV_EVAL set and stsenv
# answers either the lines to evaluate or `::stsenv-run` (run me again as I am).
# It evaluates only after exit 0; on failure nothing changes and the function
# returns stsenv's exit code.
stsenv() {
  # zsh: local default options, so that KSH_ARRAYS, SH_WORD_SPLIT and the like
  # set by the user change nothing here.
  if [ -n "${ZSH_VERSION-}" ]; then emulate -L zsh; fi
  local __stsenv_out __stsenv_format=bash
  if [ -n "${ZSH_VERSION-}" ]; then __stsenv_format=zsh; fi
  # Assigned apart from `local`, which would hide the exit code.
  __stsenv_out=$(STSENV_EVAL=$__stsenv_format command stsenv "$@") || return
  if [ "$__stsenv_out" = '::stsenv-run' ]; then
    command stsenv "$@"
    return
  fi
  eval "$__stsenv_out"
}
