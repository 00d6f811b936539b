"""Persistence for newscrawl: SQLite by default, PostgreSQL through the same models.

Modules: :mod:`storage.db` (engines), :mod:`storage.models` (tables),
:mod:`storage.dedup` (URL keys, content hashes), :mod:`storage.repository` (the
only write API) and :mod:`storage.migrate` (Alembic, scripts in ``migrations/``).
This package imports nothing from ``crawler`` or ``scheduler``.

Views for people reading the database with any SQL client:

``v_articles``
    One line per article without the body: id, site, site_name, title,
    published_at, reporters (names joined with ", "), section, url, revision,
    duplicate_of_id, first_seen_at.
``v_recent_runs``
    Crawl runs newest first with ``duration_seconds`` (elapsed so far while a run
    is still running) and the article counters.
``v_source_health``
    Per site: last_run_at, last_run_status, last_success_at (last ``finished``
    run), articles_total, articles_24h (first seen in the last 24 hours) and the
    share of articles missing published_at, reporters or images.
``v_duplicates``
    Articles stored as duplicates next to the original's url and title.
"""
