"""The scheduling daemon: APScheduler 3.x jobs that run each site's crawl as a child process.

Modules: ``plan`` (config → per-site plans, diffs for reload), ``jobs`` (the only
APScheduler code), ``child`` (one crawl process: command, signals, output),
``runner`` (time limits, shutdown, run bookkeeping), ``daemon`` (start-up checks,
signals, reload) and ``cli`` (``daemon``, ``runs``, ``schedule``). Nothing here
imports the crawler: a crawl is a command line.
"""
