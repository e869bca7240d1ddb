"""Scrapy settings for clinicwatch's spiders. Politeness defaults are those of a real weekly run."""

BOT_NAME = "clinicwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    "clinicwatch/0.1 (+https://github.com/clinicwatch/clinicwatch; regenerative-medicine registry check)"
)
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
RETRY_TIMES = 1
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 would otherwise open a control port for every crawl
DNS_TIMEOUT = 10

# The clinic spider (crawler/spiders/clinics.py): bounds per site, and how many sites at once.
CLINICWATCH_MAX_PAGES = 40
CLINICWATCH_MAX_DEPTH = 3
CLINICWATCH_MAX_QUERIES_PER_PATH = 5  # distinct query strings per path: calendars and searches end here
CLINICWATCH_PARALLEL_SITES = 16
CLINICWATCH_BATCH_SIZE = 50  # pages written to the database per transaction
CLINICWATCH_EXTRACTOR = "crawler.extract.extract_page"

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "WARNING"
