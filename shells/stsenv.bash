# stsenv shell integration for bash and zsh.
#
# Install (one line in ~/.bashrc or ~/.zshrc):
#   eval "$(stsenv init bash)"        # or: eval "$(stsenv init zsh)"
#
# Defines a function `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...` and `stsenv unset` then change this shell's
# environment directly. It evaluates stsenv's output only when stsenv exits 0;
# on failure nothing changes and the function returns stsenv's exit code.
# Every other subcommand, and any call with --help, --version or --shell,
# runs the program unchanged.
stsenv() {
  # zsh: local default options, so that KSH_ARRAYS, SH_WORD_SPLIT and the like
  # set by the user change nothing here.
  if [ -n "${ZSH_VERSION-}" ]; then emulate -L zsh; fi
  local __stsenv_arg __stsenv_command= __stsenv_out __stsenv_status __stsenv_shell=bash
  if [ -n "${ZSH_VERSION-}" ]; then __stsenv_shell=zsh; fi
  for __stsenv_arg in "$@"; do
    case $__stsenv_arg in
      --) break ;;
      -h | --help | -V | --version | -s | -s?* | --shell | --shell=*)
        command stsenv "$@"
        return
        ;;
      -*) ;;
      *) if [ -z "$__stsenv_command" ]; then __stsenv_command=$__stsenv_arg; fi ;;
    esac
  done
  case $__stsenv_command in
    assume | session | web-identity | unset) ;;
    *)
      command stsenv "$@"
      return
      ;;
  esac
  # Assigned apart from `local`, which would hide the exit code.
  if __stsenv_out=$(command stsenv --shell "$__stsenv_shell" "$@"); then
    eval "$__stsenv_out"
  else
    __stsenv_status=$?
    return "$__stsenv_status"
  fi
}
