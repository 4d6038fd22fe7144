#!/usr/bin/env python3
"""Exit 0 if something accepts TCP connections at the host and port of a database URL.

    python3 scripts/tcp_probe.py postgres://postgres@127.0.0.1:5432/hiroba

Used by ``make test-postgres`` and ``.ci/run`` to skip cleanly when no PostgreSQL is running.
"""

import socket
import sys
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1] if len(sys.argv) > 1 else "")
host, port = url.hostname or "localhost", url.port or 5432
try:
    socket.create_connection((host, port), timeout=2).close()
except OSError as exc:
    sys.exit(f"nothing answers on {host}:{port} ({exc.strerror or exc})")
