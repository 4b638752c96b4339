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
# edit: exists only in an interactive shell; it is looked up when this runs, so a script compiles this file too.
try { var add~ = (eval 'put $edit:add-var~'); add stsenv~ $stsenv~ } catch { }
