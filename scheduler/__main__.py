"""``python -m scheduler``: the daemon without the rest of the ``newscrawl`` CLI."""

from scheduler.cli import daemon

daemon(prog_name="python -m scheduler")
