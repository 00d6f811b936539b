"""Configuration: the app defaults, a deployment file, and one TOML file per site.

Entry points (the CLI and the daemon) are the only callers of :func:`load_config`;
they pass plain values down, so no other module reads files or the environment.
"""

from config.loader import ConfigError, load_config, load_site_file
from config.schema import AppConfig, SiteConfig

__all__ = ["AppConfig", "ConfigError", "SiteConfig", "load_config", "load_site_file"]
