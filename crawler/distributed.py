"""Settings and small shims that let several crawl workers share one queue through scrapy-redis.

`redis_settings(url, run_id)` returns the Scrapy settings that switch a crawl to scrapy-redis's
scheduler and duplicate filter, with every key under `clinicwatch:run:<run_id>:` so runs never see
each other's queue. Workers on any machine that pass the same URL and run id share the queue and the
filter: each URL is fetched by exactly one of them.

What is shared:
- By default every request goes through the shared queue, so any worker may fetch any page. That
  suits spiders that keep no per-site state in memory.
- A request whose meta has LOCAL_META set stays on the worker that made it (still deduplicated by the
  shared filter). A spider that keeps per-site state in memory, as the clinic spider does (frontier,
  page count, in-flight count), shares only each site's top-page request and marks every later request
  of the site local: the worker that fetches a site's top page crawls the whole site.

How a shared crawl starts and ends:
- Every worker yields all seed requests, without `dont_filter`: the shared filter lets the first copy
  of each through, so seeding happens exactly once however many workers start, and when.
- A worker that pops a shared request is marked busy in the same atomic step (a Lua script); it stays
  marked while it has requests in flight and until its own spider goes idle, when all it found is back
  in the shared queue or done. A worker closes only when the shared queue is empty and no worker is
  busy, so the finish reason `finished` means the whole shared crawl is done, on every worker.
- Every worker renews an alive mark every few seconds; `live_workers(url, run_id)` lists those running
  (so a run whose first worker's host and pid are gone may still be alive on another machine).
- A worker that dies stays marked busy and alive for `CLINICWATCH_REDIS_BUSY_TTL` seconds; the requests
  it held are lost to this run (they are in the duplicate filter), so a run with a dead worker is not
  complete, and resuming it needs `clear_run` first (else the filter drops its seeds as seen).
- The keys are kept (not deleted) for `CLINICWATCH_REDIS_KEEP` seconds after a worker finishes, so a
  worker that joins a finished run finds every seed already seen and stops instead of crawling again;
  `clear_run` deletes them at once.

scrapy-redis 0.9.1 works with Scrapy 2.19; the shims here (1) use Scrapy's request fingerprinter
instead of scrapy-redis's own hash, (2) stop using the deprecated `spider` argument of stats and
`Spider.log`, and (3) add the busy marking and the local requests above, which scrapy-redis lacks (its
workers close as soon as they are idle alone, while another worker may still be adding requests).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import socket
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

PREFIX_SETTING = "CLINICWATCH_REDIS_PREFIX"
WORKER_SETTING = "CLINICWATCH_REDIS_WORKER"
BUSY_TTL_SETTING = "CLINICWATCH_REDIS_BUSY_TTL"
KEEP_SETTING = "CLINICWATCH_REDIS_KEEP"
# Request meta key: true keeps the request on the worker that made it (see SharedScheduler).
LOCAL_META = "clinicwatch_local"
logger = logging.getLogger(__name__)
REDIS_SCHEMES = ("redis", "rediss", "unix")

# Pop the best request and mark this worker busy in one step, so no other worker can see an empty
# queue and no busy worker while this one holds a request it has not processed yet.
_POP_AND_MARK_BUSY = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0)
if #found > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
end
return found
"""


class DistributedError(RuntimeError):
    """The shared queue cannot be used; the message names the Redis URL and what to do."""


def run_prefix(run_id: int) -> str:
    """The prefix of every Redis key of one run."""
    return f"clinicwatch:run:{run_id}"


def redis_settings(redis_url: str, run_id: int) -> dict[str, Any]:
    """Scrapy settings that make a crawl one worker of run `run_id`, sharing its queue at `redis_url`."""
    scheme = urlsplit(redis_url).scheme
    if scheme not in REDIS_SCHEMES:
        raise DistributedError(
            f"--redis {redis_url!r}: not a Redis URL; use redis://HOST:6379/0 (or rediss://, unix://)"
        )
    prefix = run_prefix(run_id)
    return {
        "SCHEDULER": "crawler.distributed.SharedScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.SharedDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.SharedPriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        # One worker's close must never flush what the others still use.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "REDIS_URL": redis_url,
        PREFIX_SETTING: prefix,
        WORKER_SETTING: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
        BUSY_TTL_SETTING: 120,
        KEEP_SETTING: 7 * 24 * 3600,
    }


def connect(redis_url: str) -> redis.Redis:
    """A client for `redis_url` that has answered a PING; DistributedError if it does not answer."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=30, decode_responses=True)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise DistributedError(
            f"Redis at {redis_url} does not answer ({exc}); start it or fix --redis"
        ) from exc
    return client


def clear_run(redis_url: str, run_id: int) -> int:
    """Delete every Redis key of run `run_id`; return how many there were."""
    client = connect(redis_url)
    keys = list(client.scan_iter(match=f"{run_prefix(run_id)}:*"))
    return int(client.delete(*keys)) if keys else 0


def live_workers(redis_url: str, run_id: int) -> list[str]:
    """Workers of run `run_id` that are running now (host:pid:id), busy or waiting for the others."""
    alive = connect(redis_url).zrangebyscore(_alive_key(run_prefix(run_id)), time.time(), "+inf")
    return [str(worker) for worker in alive]


def _busy_key(prefix: str) -> str:
    return f"{prefix}:busy"


def _alive_key(prefix: str) -> str:
    return f"{prefix}:alive"


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared filter, keyed by Scrapy's own request fingerprint."""

    fingerprinter: Any = None

    @classmethod
    def from_spider(cls, spider: Spider) -> SharedDupeFilter:
        dupefilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        return str(self.fingerprinter.fingerprint(request).hex())


class SharedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop also marks this worker busy (see module docstring)."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.settings
        self.busy_key = _busy_key(settings[PREFIX_SETTING])
        self.worker = settings[WORKER_SETTING]
        self.busy_ttl = settings.getfloat(BUSY_TTL_SETTING)
        self.pop_script = server.register_script(_POP_AND_MARK_BUSY)

    def pop(self, timeout: int = 0) -> Request | None:
        found = self.pop_script(keys=[self.key, self.busy_key], args=[self.worker, time.time() + self.busy_ttl])
        return self._decode_request(found[0]) if found else None


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler that closes only when the whole shared crawl is done.

    Requests whose meta has LOCAL_META set skip the shared queue: they wait in this worker's memory
    (still deduplicated by the shared filter), for spiders that keep per-site state in memory.
    It also stops passing the `spider` argument that Scrapy 2.13+ stats deprecate.
    """

    refresh_seconds = 5.0
    crawler: Crawler
    prefix: str
    busy_key: str
    worker: str
    busy_ttl: float
    keep_seconds: int
    refresher: LoopingCall
    df: Any
    queue: Any
    local: list[tuple[int, int, Request]]
    local_order: itertools.count[int]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        settings = crawler.settings
        connect(settings["REDIS_URL"])
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.prefix = settings[PREFIX_SETTING]
        scheduler.busy_key = _busy_key(scheduler.prefix)
        scheduler.worker = settings[WORKER_SETTING]
        scheduler.busy_ttl = settings.getfloat(BUSY_TTL_SETTING)
        scheduler.keep_seconds = settings.getint(KEEP_SETTING)
        scheduler.refresher = LoopingCall(scheduler.refresh_marks)
        scheduler.local = []
        scheduler.local_order = itertools.count()
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        # Not super().open(): it logs through the deprecated Spider.log and calls a joining worker's
        # share of the queue a "resumed" crawl.
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        self.refresher.start(self.refresh_seconds, now=True)

    def close(self, reason: str) -> None:
        if self.refresher.running:
            self.refresher.stop()
        self.server.zrem(self.busy_key, self.worker)
        self.server.zrem(_alive_key(self.prefix), self.worker)
        for key in self.server.scan_iter(match=f"{self.prefix}:*"):
            self.server.expire(key, self.keep_seconds)

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if request.meta.get(LOCAL_META):
            heapq.heappush(self.local, (-request.priority, next(self.local_order), request))
        else:
            self.queue.push(request)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/local" if request.meta.get(LOCAL_META) else "scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return heapq.heappop(self.local)[2]
        request = self.queue.pop()
        if request and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return bool(self.local) or len(self.queue) > 0

    def refresh_marks(self) -> None:
        """Renew this worker's alive mark, and its busy mark while it has requests in flight."""
        expires = time.time() + self.busy_ttl
        self.server.zadd(_alive_key(self.prefix), {self.worker: expires})
        engine = self.crawler.engine
        if engine is None:
            return
        scraper_slot = engine.scraper.slot
        if engine.downloader.active or (scraper_slot is not None and not scraper_slot.is_idle()):
            self.server.zadd(self.busy_key, {self.worker: expires})

    def spider_idle(self) -> None:
        """Unmark this worker; stay open while requests are queued or another worker is busy."""
        with self.server.pipeline() as pipe:
            pipe.zrem(self.busy_key, self.worker)
            pipe.zremrangebyscore(self.busy_key, "-inf", time.time())
            pipe.zcard(self.busy_key)
            pipe.zcard(self.queue.key)
            _, _, busy, queued = pipe.execute()
        if busy or queued:
            logger.info("shared crawl not done: %d requests queued, %d workers busy; waiting", queued, busy)
            raise DontCloseSpider
