"""Scrapy settings every newscrawl crawl starts from (site config overrides some).

Politeness first: robots.txt obeyed, one request at a time per host with a delay and
AutoThrottle, an honest User-Agent. No control surface: the telnet console and Scrapy
2.19's remote-control HTTP endpoint (which runs Python, on by default) are off.
"""

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["crawler.spiders"]

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
DOWNLOAD_TIMEOUT = 30
# A news page is well under this; a larger response is a misconfigured or hostile server.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5

# News pages do not need cookies, and the cookie middleware's tldextract would try to
# download the public-suffix list on first use.
COOKIES_ENABLED = False

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Only http(s): a link to file://, ftp:// or s3:// is never fetched.
DOWNLOAD_HANDLERS = {
    "http": "crawler.resolve.ResolvingDownloadHandler",
    "https": "crawler.resolve.ResolvingDownloadHandler",
    "file": None,
    "ftp": None,
    "s3": None,
    "data": None,
}

DOWNLOADER_MIDDLEWARES = {
    # First of all, for every request incl. robots.txt and redirects: only the site's
    # hosts, only http(s), no private addresses (crawler/downloadermiddlewares/guard.py).
    "crawler.downloadermiddlewares.guard.FetchGuardMiddleware": 10,
    # Just above RedirectMiddleware (600): loops, long chains, file:// targets get named.
    "crawler.downloadermiddlewares.redirects.RedirectGuardMiddleware": 610,
    # Above RetryMiddleware (550) so they see 429/503 before it retries at once.
    "crawler.downloadermiddlewares.circuit_breaker.CircuitBreakerMiddleware": 570,
    "crawler.downloadermiddlewares.retry_after.RetryAfterMiddleware": 560,
}

ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidatePipeline": 100,
    "crawler.pipelines.store.StorePipeline": 500,
}
EXTENSIONS = {
    "crawler.extensions.run_recorder.CrawlRunRecorder": 10,
}

LOG_LEVEL = "INFO"
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
