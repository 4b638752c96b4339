@rem stsenv for cmd.exe: runs stsenv and sets the variables it prints in this
@rem cmd session, which a program cannot do for its parent.
@rem
@rem Install: save it in a folder on your PATH, for example
@rem   stsenv init cmd > "%USERPROFILE%\bin\stsenv-env.bat"
@rem Use:
@rem   stsenv-env assume arn:aws:iam::123456789012:role/deploy
@rem   stsenv-env session --mfa-serial arn:aws:iam::123456789012:mfa/me --token-code 123456
@rem   stsenv-env unset
@rem From another batch file: call stsenv-env assume ...
@rem
@rem It parses no option: it runs stsenv with STSENV_EVAL=cmd (in the command
@rem FOR runs, not in this session), and stsenv prints either the lines to run
@rem or ::stsenv-run, for any other command line, which this file then runs
@rem again as it is (cmd /d /c keeps its exit code). stsenv prints nothing on
@rem stdout when it fails, so a failure sets nothing; the last line FOR reads is
@rem stsenv's exit code, which this file returns. No setlocal: the variables
@rem must outlive this file.
@set "__stsenv_exit="
@set "__stsenv_run="
@for /f "usebackq tokens=1,* delims= " %%A in (`"set STSENV_EVAL=cmd& stsenv %* & call echo ::stsenv-exit %%^errorlevel%%"`) do (
  @if "%%A"=="::stsenv-exit" (set "__stsenv_exit=%%B") else if "%%A"=="::stsenv-run" (set "__stsenv_run=1") else (call %%A %%B))
@if not defined __stsenv_exit set "__stsenv_exit=1"
@if "%__stsenv_exit%"=="0" if defined __stsenv_run goto stsenv_run_again
@set "__stsenv_run=" & set "__stsenv_exit=" & exit /b %__stsenv_exit%
:stsenv_run_again
@set "__stsenv_run=" & set "__stsenv_exit="
@cmd /d /c stsenv %*
@exit /b %errorlevel%
