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
@rem stsenv prints nothing on stdout when it fails, so a failure sets nothing;
@rem the last line FOR reads is stsenv's exit code, which this file returns.
@rem No setlocal: the variables must outlive this file.
@set "__stsenv_exit="
@for /f "usebackq tokens=1,* delims= " %%A in (`"stsenv --shell cmd %* & call echo ::stsenv-exit %%^errorlevel%%"`) do (
  @if "%%A"=="::stsenv-exit" (set "__stsenv_exit=%%B") else (call %%A %%B)
)
@if not defined __stsenv_exit set "__stsenv_exit=1"
@set "__stsenv_exit=" & exit /b %__stsenv_exit%
