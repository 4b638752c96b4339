# stsenv shell integration for xonsh.
#
# Install (one line in ~/.xonshrc):
#   execx($(stsenv init xonsh))
#
# Defines an alias `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...`, `stsenv export ...` and `stsenv unset` then change
# this shell's environment directly; every other command line runs as it is.
# It parses no option: it runs stsenv with STSENV_EVAL set and stsenv answers
# either the code to evaluate or `::stsenv-run` (run me again as I am). It
# evaluates only after exit 0; on failure nothing changes and the alias
# returns stsenv's exit code.
def __stsenv_alias(args, stdin=None, stdout=None, stderr=None):
    import shutil
    import subprocess
    env = __xonsh__.env.detype()
    # The program, never this alias.
    program = shutil.which('stsenv', path=env.get('PATH'))
    if program is None:
        print('stsenv: command not found', file=stderr or __import__('sys').stderr)
        return 127
    answer = subprocess.run([program, *args], stdin=stdin, stdout=subprocess.PIPE, stderr=stderr, env={**env, 'STSENV_EVAL': 'xonsh'})
    if answer.returncode != 0:
        return answer.returncode
    out = answer.stdout.decode('utf-8')
    if out == '::stsenv-run\n':
        return subprocess.run([program, *args], stdin=stdin, stdout=stdout, stderr=stderr, env=env).returncode
    execx(out)
    return 0

aliases['stsenv'] = __stsenv_alias
del __stsenv_alias
