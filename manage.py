#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# sysexits.h: an MTA keeps the mail and retries on EX_TEMPFAIL.
EX_TEMPFAIL = 75


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] != ["ingest_email"]:
        execute_from_command_line(sys.argv)
        return
    # An MTA's pipe: whatever fails before the mail is stored (a setting missing, the database
    # away, a wrong argument in master.cf) is temporary. The MTA keeps the mail and tries again;
    # the sender never gets a bounce with a traceback in it.
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
