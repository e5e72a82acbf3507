"""The `kundsvar` command: manage.py under a friendlier name.

kundsvar demo      demo shop, web and worker in the foreground
kundsvar serve     the web server (uvicorn, ASGI)
kundsvar worker    background tasks and the periodic schedule
kundsvar backup    SQLite database, raw mail and attachments in one .tar.gz
kundsvar restore   put such a backup back
kundsvar <any manage.py command>
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundsvar.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kundsvar", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
