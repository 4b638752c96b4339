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

# Long sessions (README "Long sessions"). The alias above records how the
# credentials were obtained ($STSENV_REQUEST) and when they expire
# ($STSENV_EXPIRES_EPOCH). Before each prompt of an interactive shell this
# hook compares that with Python's clock, starting no process; only when less
# than $STSENV_REFRESH_BEFORE is left (10m, 1h, seconds; default 5m; 0 or off:
# never) does it run `stsenv refresh`, at most once a minute. A failed refresh
# keeps the credentials; once they have expired it says so, once.
# stsenv_prompt() answers `deploy 42m`: $PROMPT_FIELDS['stsenv'] = stsenv_prompt
def stsenv_prompt():
    import time
    expires = str(__xonsh__.env.get('STSENV_EXPIRES_EPOCH', ''))
    if not expires.isdigit():
        return ''
    label = __xonsh__.env.get('STSENV_LABEL', 'stsenv')
    left = int(expires) - int(time.time())
    if left <= 0:
        return f'{label} expired'
    minutes = left // 60
    return f'{label} {minutes}m' if minutes < 60 else f'{label} {minutes // 60}h{minutes % 60:02d}m'

def __stsenv_threshold(text):
    import re
    text = text or '5m'
    if text in ('0', 'off', 'OFF', 'Off'):
        return None
    match = re.fullmatch(r'(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?', text)
    if not match:
        return 300
    h, m, s = (int(g or 0) for g in match.groups())
    return 3600 * h + 60 * m + s or None

__stsenv_state = {'retry': 0, 'failed': None, 'said': None}

@events.on_pre_prompt
def __stsenv_hook(**_):
    import sys
    import time
    env = __xonsh__.env
    expires = str(env.get('STSENV_EXPIRES_EPOCH', ''))
    if not env.get('STSENV_REQUEST') or not expires.isdigit():
        return
    before = __stsenv_threshold(str(env.get('STSENV_REFRESH_BEFORE', '')))
    now = int(time.time())
    if before is None or now < int(expires) - before:
        return
    if __stsenv_state['failed'] == expires and now >= int(expires):
        if __stsenv_state['said'] != expires:
            __stsenv_state['said'] = expires
            print(f"stsenv: the credentials of {env.get('STSENV_LABEL', 'stsenv')} expired at {env.get('AWS_CREDENTIAL_EXPIRATION', '')}; stsenv refresh tries again", file=sys.stderr)
        return
    if now < __stsenv_state['retry']:
        return
    __stsenv_state['retry'] = now + 60
    code = aliases['stsenv'](['refresh'])
    __stsenv_state['failed'] = None if code == 0 else expires
