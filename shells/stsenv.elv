# stsenv shell integration for elvish.
#
# Install (one line in rc.elv):
#   eval (stsenv init elvish | slurp)
# In a script (no interactive editor, so no edit:add-var), take the function
# from eval's namespace:
#   var stsenv~
#   eval (e:stsenv init elvish | slurp) &on-end={|ns| set stsenv~ = $ns[stsenv~] }
#
# Defines a command `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...`, `stsenv export ...` and `stsenv unset` then change
# this shell's environment directly; every other command line runs as it is.
# It parses no option: it runs stsenv with STSENV_EVAL set and stsenv answers
# either the code to evaluate or `::stsenv-run` (run me again as I am). A
# failure is stsenv's exception (with its exit status) and changes nothing.
fn stsenv {|@args|
  var out = ({ tmp E:STSENV_EVAL = elvish; e:stsenv $@args | slurp })
  if (eq $out "::stsenv-run\n") {
    e:stsenv $@args
  } else {
    eval $out
  }
}

# Long sessions (README "Long sessions"). The function above records how the
# credentials were obtained (STSENV_REQUEST) and when they expire
# (STSENV_EXPIRES_EPOCH). Before each prompt this hook compares that with the
# clock (elvish has none of its own: one `date`, and only while stsenv's
# credentials are set); only when less than STSENV_REFRESH_BEFORE is left
# (10m, 1h, seconds; default 5m; 0 or off: never) does it run `stsenv
# refresh`, at most once a minute. A failed refresh keeps the credentials;
# once they have expired it says so, once. stsenv-prompt prints `deploy 42m`.
use re
var stsenv-retry = 0
var stsenv-failed = ''
var stsenv-said = ''

fn stsenv-prompt {
  if (not (re:match '^[0-9]+$' $E:STSENV_EXPIRES_EPOCH)) { return }
  var label = (if (has-env STSENV_LABEL) { put $E:STSENV_LABEL } else { put stsenv })
  var left = (- $E:STSENV_EXPIRES_EPOCH (e:date +%s))
  if (<= $left 0) { echo $label' expired'; return }
  var m = (/ (- $left (% $left 60)) 60)
  if (< $m 60) { echo $label' '$m'm'; return }
  var mm = (% $m 60)
  echo $label' '(/ (- $m $mm) 60)'h'(if (< $mm 10) { put 0$mm } else { put $mm })'m'
}

fn stsenv-threshold {
  var v = $E:STSENV_REFRESH_BEFORE
  if (==s $v '') { set v = 5m }
  if (has-value [0 off OFF Off] $v) { put 0; return }
  var parts = [(re:find '^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$' $v)]
  if (== (count $parts) 0) { put 300; return }
  var g = $parts[0][groups]
  var total = 0
  for i [1 2 3] {
    var text = $g[$i][text]
    if (!=s $text '') { set total = (+ $total (* $text [&1=3600 &2=60 &3=1][(to-string $i)])) }
  }
  put $total
}

fn stsenv-hook {
  if (or (not (has-env STSENV_REQUEST)) (not (re:match '^[0-9]+$' $E:STSENV_EXPIRES_EPOCH))) { return }
  var before = (stsenv-threshold)
  if (== $before 0) { return }
  var expires = $E:STSENV_EXPIRES_EPOCH
  var now = (e:date +%s)
  if (< $now (- $expires $before)) { return }
  if (and (==s $stsenv-failed $expires) (>= $now $expires)) {
    if (!=s $stsenv-said $expires) {
      set stsenv-said = $expires
      echo 'stsenv: the credentials of '$E:STSENV_LABEL' expired at '$E:AWS_CREDENTIAL_EXPIRATION'; stsenv refresh tries again' >&2
    }
    return
  }
  if (< $now $stsenv-retry) { return }
  set stsenv-retry = (+ $now 60)
  try { stsenv refresh; set stsenv-failed = '' } catch { set stsenv-failed = $expires }
}

# edit: exists only in an interactive shell, where the hook belongs; it is looked up when this
# runs, so a script compiles this file too, and gets stsenv from eval's namespace (README).
try {
  var add~ = (eval 'put $edit:add-var~')
  add stsenv~ $stsenv~
  add stsenv-prompt~ $stsenv-prompt~
  eval &ns=(ns [&hook~=$stsenv-hook~]) 'set edit:before-readline = [$@edit:before-readline $hook~]'
} catch { }
