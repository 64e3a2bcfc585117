"""Provides where an access comes from, as the access log names it: the interface, the OS user
and the host (NEN 7513 asks for the workstation beside the practitioner)."""

from __future__ import annotations

import os
import socket

from hecht.schema.field_limits import ACCESS_POINT_MAX


def access_point(kind: str) -> str:
    """Name where an access comes from: the interface (``cli``, ``tui``), OS user and host,
    cut to what the access log stores (a long host name would be refused by PostgreSQL)."""
    return f"{kind}:{os_user()}@{socket.gethostname()}"[:ACCESS_POINT_MAX]


def os_user() -> str:
    """The login name, as ``getpass.getuser`` finds it (without importing it and termios)."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return "?"
