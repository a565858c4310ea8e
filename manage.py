#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Configuration missing or wrong (no SECRET_KEY with DEBUG off, a bad value, the wrong Python)
ends in one line that says what to do, never in a traceback: `make demo` writes a `.env` that
the settings read, `.env.example` lists every setting.
"""

import os
import sys

# sysexits.h: an MTA keeps the mail and retries on EX_TEMPFAIL.
EX_TEMPFAIL = 75
EX_CONFIG = 78


def configuration_error() -> str | None:
    """Load the settings; return what is wrong with them in one line, or None."""
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - reading one setting loads them all
    except ModuleNotFoundError as error:
        return (
            f"{error.name} is not installed for {sys.executable}: run `make venv`, then "
            "`.venv/bin/python manage.py …`"
        )
    except Exception as error:  # whatever the settings raise is a configuration error
        return f"configuration error: {error}"
    return None


def settings_option(argv: list[str]) -> str | None:
    """The `--settings` option, read before Django's own parser: the check below needs it."""
    for number, arg in enumerate(argv):
        if arg.startswith("--settings="):
            return arg.partition("=")[2]
        if arg == "--settings" and number + 1 < len(argv):
            return argv[number + 1]
    return None


def main():
    if chosen := settings_option(sys.argv):
        os.environ["DJANGO_SETTINGS_MODULE"] = chosen
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    ingest = command == "ingest_email"
    if problem := configuration_error():
        if ingest:
            # An MTA's pipe: a setting missing is temporary; the mail waits at the MTA.
            sys.stderr.write(f"ingest_email: not stored, the MTA will retry: {problem}\n")
            sys.exit(EX_TEMPFAIL)
        sys.stderr.write(f"manage.py {command}: {problem}\n")
        sys.exit(EX_CONFIG)
    from django.core.management import execute_from_command_line

    if not ingest:
        from django.db import DatabaseError

        try:
            execute_from_command_line(sys.argv)
        except DatabaseError as error:  # not a bug of the command: the database is away or old
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            sys.stderr.write(
                f"manage.py {command}: database error: {type(error).__name__}: {first} "
                "(is the database up, and migrated? `.venv/bin/python manage.py migrate`)\n"
            )
            sys.exit(1)
        return
    # An MTA's pipe: whatever fails before the mail is stored (the database away, a wrong
    # argument in master.cf) is temporary. The MTA keeps the mail and tries again; the
    # sender never gets a bounce with a traceback in it.
    try:
        execute_from_command_line(sys.argv)
    except SystemExit as done:
        if done.code not in (0, None, EX_TEMPFAIL):
            sys.exit(EX_TEMPFAIL)
        raise
    except BaseException as error:  # every failure here means "try again later"
        sys.stderr.write(f"ingest_email: not stored, the MTA will retry: {type(error).__name__}\n")
        sys.exit(EX_TEMPFAIL)


if __name__ == "__main__":
    main()
