"""The ``zhengai`` command: every Django management command, as ``manage.py`` would run it."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "zhengai"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
