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

# Long sessions (README "Long sessions"). The function above records how the
# credentials were obtained (STSENV_REQUEST) and when they expire
# (STSENV_EXPIRES_EPOCH). At each prompt of an interactive shell this hook
# compares that with the shell's own clock, starting no process; only when
# less than STSENV_REFRESH_BEFORE is left (10m, 1h, seconds; default 5m; 0 or
# off: never) does it run `stsenv refresh`, at most once a minute. A failed
# refresh keeps the credentials; once they have expired it says so, once.
# It also sets STSENV_PROMPT (`deploy 42m`) for prompts, as stsenv_prompt prints it.
_stsenv_clock() {
  if [ -n "${EPOCHSECONDS-}" ]; then
    _stsenv_t=$EPOCHSECONDS
  elif [ -n "${BASH_VERSION-}" ] && [ "${BASH_VERSINFO[0]}${BASH_VERSINFO[1]}" -ge 42 ] 2>/dev/null; then
    printf -v _stsenv_t '%(%s)T' -1
  else
    _stsenv_t=$(date +%s)
  fi
}

# STSENV_REFRESH_BEFORE in seconds into _stsenv_s; empty when refreshing is off.
_stsenv_threshold() {
  local __stsenv_v=${STSENV_REFRESH_BEFORE:-5m} __stsenv_n __stsenv_unit
  _stsenv_s=0
  case $__stsenv_v in 0|off|OFF|Off) _stsenv_s=; return ;; esac
  while [ -n "$__stsenv_v" ]; do
    __stsenv_n=${__stsenv_v%%[!0-9]*}
    if [ -z "$__stsenv_n" ]; then _stsenv_s=300; return; fi
    __stsenv_v=${__stsenv_v#"$__stsenv_n"}
    case $__stsenv_v in
      h*) __stsenv_unit=3600 ;; m*) __stsenv_unit=60 ;; s*|'') __stsenv_unit=1 ;;
      *) _stsenv_s=300; return ;;
    esac
    __stsenv_v=${__stsenv_v#?}
    _stsenv_s=$((_stsenv_s + 10#$__stsenv_n * __stsenv_unit))
  done
  if [ "$_stsenv_s" -eq 0 ]; then _stsenv_s=; fi
}

# What prompts show: `deploy 42m`, `deploy 1h05m`, `deploy expired`; empty without recorded credentials.
_stsenv_left() {
  local __stsenv_m
  STSENV_PROMPT=
  case ${STSENV_EXPIRES_EPOCH-} in '' | *[!0-9]*) return ;; esac
  __stsenv_m=$(((STSENV_EXPIRES_EPOCH - _stsenv_t) / 60))
  if [ "$STSENV_EXPIRES_EPOCH" -le "$_stsenv_t" ]; then
    STSENV_PROMPT="${STSENV_LABEL-stsenv} expired"
  elif [ "$__stsenv_m" -lt 60 ]; then
    STSENV_PROMPT="${STSENV_LABEL-stsenv} ${__stsenv_m}m"
  elif [ $((__stsenv_m % 60)) -lt 10 ]; then
    STSENV_PROMPT="${STSENV_LABEL-stsenv} $((__stsenv_m / 60))h0$((__stsenv_m % 60))m"
  else
    STSENV_PROMPT="${STSENV_LABEL-stsenv} $((__stsenv_m / 60))h$((__stsenv_m % 60))m"
  fi
}

stsenv_prompt() {
  if [ -n "${ZSH_VERSION-}" ]; then emulate -L zsh; fi
  _stsenv_clock
  _stsenv_left
  if [ -n "$STSENV_PROMPT" ]; then printf '%s\n' "$STSENV_PROMPT"; fi
}

_stsenv_hook() {
  local __stsenv_status=$?
  if [ -n "${ZSH_VERSION-}" ]; then emulate -L zsh; fi
  _stsenv_clock
  _stsenv_left
  case ${STSENV_EXPIRES_EPOCH-} in '' | *[!0-9]*) return $__stsenv_status ;; esac
  if [ -z "${STSENV_REQUEST-}" ]; then return $__stsenv_status; fi
  _stsenv_threshold
  if [ -z "$_stsenv_s" ] || [ "$_stsenv_t" -lt $((STSENV_EXPIRES_EPOCH - _stsenv_s)) ]; then return $__stsenv_status; fi
  if [ "${_stsenv_failed-}" = "$STSENV_EXPIRES_EPOCH" ] && [ "$_stsenv_t" -ge "$STSENV_EXPIRES_EPOCH" ]; then
    if [ "${_stsenv_said-}" != "$STSENV_EXPIRES_EPOCH" ]; then
      _stsenv_said=$STSENV_EXPIRES_EPOCH
      printf 'stsenv: the credentials of %s expired at %s; stsenv refresh tries again\n' "${STSENV_LABEL-stsenv}" "${AWS_CREDENTIAL_EXPIRATION-}" >&2
    fi
    return $__stsenv_status
  fi
  if [ "$_stsenv_t" -lt "${_stsenv_retry:-0}" ]; then return $__stsenv_status; fi
  _stsenv_retry=$((_stsenv_t + 60))
  if stsenv refresh; then _stsenv_failed=; else _stsenv_failed=$STSENV_EXPIRES_EPOCH; fi
  _stsenv_clock
  _stsenv_left
  return $__stsenv_status
}

# Only interactive shells have prompts: a script never refreshes on its own.
case $- in
  *i*)
    if [ -n "${ZSH_VERSION-}" ]; then
      zmodload zsh/datetime 2>/dev/null
      case " ${precmd_functions[*]-} " in
        *" _stsenv_hook "*) ;;
        *) precmd_functions=(_stsenv_hook ${precmd_functions[@]+"${precmd_functions[@]}"}) ;;
      esac
    elif [ -n "${BASH_VERSION-}" ]; then
      case ";${PROMPT_COMMAND-};" in
        *";_stsenv_hook;"*) ;;
        *) PROMPT_COMMAND="_stsenv_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
      esac
    fi
    ;;
esac
