"""Read the defaults, an optional deployment file and the site files; validate."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.schema import AppConfig, SiteConfig

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULTS_FILE = PACKAGE_DIR / "defaults.toml"
DEFAULT_SITES_DIR = PACKAGE_DIR / "sites"


class ConfigError(Exception):
    """Invalid configuration. The message is one line: file, key, problem.

    Raised by :func:`load_config`; the CLI and the daemon print it and exit 1.
    """


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _first_error(path: Path, exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    key = ".".join(str(part) for part in err["loc"]) or "(top level)"
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    msg = msg.removeprefix("Value error, ")
    more = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return ConfigError(f"{path}: {key}: {msg}{more}")


def load_site_file(path: Path) -> SiteConfig:
    """One ``<site_id>.toml``; its ``id`` must equal the file stem."""
    data = _read_toml(path)
    try:
        site = SiteConfig.model_validate(data)
    except ValidationError as exc:
        raise _first_error(path, exc) from None
    if site.id != path.stem:
        raise ConfigError(f"{path}: id: {site.id!r} must equal the file name {path.stem!r}")
    return site


def load_config(path: str | os.PathLike[str] | None = None) -> AppConfig:
    """Defaults ← deployment file (``path`` or ``NEWSCRAWL_CONFIG``) ← site files.

    Sites come from ``sites_dir`` (relative to the deployment file) or the packaged
    ``config/sites/``.
    """
    data = _read_toml(DEFAULTS_FILE)
    sites_base = PACKAGE_DIR
    chosen = path or os.environ.get("NEWSCRAWL_CONFIG")
    file = DEFAULTS_FILE
    if chosen:
        file = Path(chosen)
        override = _read_toml(file)
        for key, value in override.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        sites_base = file.resolve().parent
    if "sites" in data:
        raise ConfigError(f"{file}: sites: sites are files in sites_dir, not a table")
    try:
        app = AppConfig.model_validate(data)
    except ValidationError as exc:
        raise _first_error(file, exc) from None
    sites_dir = (sites_base / app.sites_dir) if app.sites_dir else DEFAULT_SITES_DIR
    if not sites_dir.is_dir():
        raise ConfigError(f"{file}: sites_dir: {sites_dir} is not a directory")
    sites = {}
    for site_file in sorted(sites_dir.glob("*.toml")):
        site = load_site_file(site_file)
        sites[site.id] = site
    return app.model_copy(update={"sites": sites})
