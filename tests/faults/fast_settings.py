"""crawler/settings.py without politeness delays, for subprocess runs against a loopback farm.

Subprocess tests point SCRAPY_SETTINGS_MODULE here (the runner keeps an inherited value).
"""

from crawler.settings import *

DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = False
RETRY_ENABLED = False
