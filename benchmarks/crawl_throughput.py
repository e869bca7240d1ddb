"""Crawl throughput and peak memory of `clinicwatch crawl` on a synthetic farm, against `scrapy bench`.

In one run on one machine, for each farm size: `scrapy bench` (Scrapy's own spider and server, default
settings, 10 s), then right after it `clinicwatch crawl` over benchmarks/sitefarm_gen.py sites served
by benchmarks/fast_farm.py; the ratio compares the two. The crawl keeps the politeness settings of a real run (robots.txt,
concurrency per site, timeouts, size cap) except the per-site delay (DOWNLOAD_DELAY and AutoThrottle),
through a settings module that imports crawler/settings.py and changes only those.

Pages per second = HTML pages the farm served / time from its first to its last request (process
start-up and database set-up are reported separately as wall time). Peak memory = the largest sum of
RSS over the crawl's process tree, polled every 0.1 s, and the largest single process as the kernel
reports it (wait4's ru_maxrss covers the child and its waited-for children). CPU per page (user +
system of the crawl's process tree) is printed too: on a shared machine it moves less than pages/s.

    .venv/bin/python benchmarks/crawl_throughput.py --sites 100 1000 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent
DEFAULT_CRAWL = "{python} -m clinicwatch crawl --seeds {seeds} --db {db}"
# Only the per-site delay differs from a real run.
BENCH_SETTINGS = """from crawler.settings import *  # noqa: F403

DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = False
"""


@dataclass
class Figure:
    """One measured crawl: what was fetched, how fast, and with how much memory."""

    name: str
    pages: int
    requests: int
    seconds: float
    wall_seconds: float
    peak_tree_rss_mb: float | None = None
    peak_process_rss_mb: float | None = None
    cpu_seconds: float | None = None
    exit_code: int = 0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def scrapy_bench(work: Path) -> Figure:
    """Run `scrapy bench` outside the project (so its settings do not apply) and read its final stats.

    Its CPU time includes its own link-serving server, a child of the bench process.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "http_proxy")}
    log_path = work / "scrapy-bench.log"
    code, wall, peak_tree, usage = run_measured([sys.executable, "-m", "scrapy.cmdline", "bench"], env, work, log_path)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    pages = re.search(r"'response_received_count': (\d+)", log)
    seconds = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if code != 0 or not pages or not seconds:
        raise RuntimeError(f"scrapy bench failed (exit {code}); see {log_path}")
    return Figure("scrapy bench", int(pages.group(1)), int(pages.group(1)), float(seconds.group(1)), wall,
                  peak_tree / 1024, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def ensure_farm(work: Path, sites: int, pages: int, seed: int) -> Path:
    """The farm for this size, generated once and reused by later runs."""
    root = work / f"farm-{sites}x{pages}-seed{seed}"
    if not (root / "manifest.json").exists():
        subprocess.run([sys.executable, str(BENCHMARKS / "sitefarm_gen.py"), str(root), "--sites", str(sites),
                        "--pages", str(pages), "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    return root


class FarmServer:
    """benchmarks/fast_farm.py in a child process; `stop()` returns what it served."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen([sys.executable, str(BENCHMARKS / "fast_farm.py"), str(root)],
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        first = self.process.stdout.readline().strip()
        if not first.startswith("listening "):
            self.process.kill()
            raise RuntimeError(f"fast_farm did not start: {first!r}")
        self.proxy_url = first.split(" ", 1)[1]

    def stop(self) -> dict[str, object]:
        self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])


def _tree_rss_kb(root_pid: int) -> int:
    """Sum of VmRSS over `root_pid` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry.name), int(fields["PPid"])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_measured(
    command: list[str], env: dict[str, str], cwd: Path, log_path: Path
) -> tuple[int, float, int, resource.struct_rusage]:
    """Run `command`; return (exit code, wall seconds, peak tree RSS kB, its resource usage)."""
    started = time.time()
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        peak_tree = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak_tree = max(peak_tree, _tree_rss_kb(process.pid))
            time.sleep(0.1)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.time() - started, peak_tree, usage


def crawl_farm(work: Path, farm: Path, template: str, name: str) -> Figure:
    """Crawl `farm` with the command `template`, counting what the farm serves."""
    run_dir = Path(tempfile.mkdtemp(prefix="crawl-", dir=work))
    (run_dir / "bench_settings.py").write_text(BENCH_SETTINGS, encoding="utf-8")
    command = shlex.split(template.format(python=sys.executable, seeds=farm / "seeds.csv",
                                          db=f"sqlite:///{run_dir / 'bench.db'}"))
    server = FarmServer(farm)
    env = dict(os.environ, http_proxy=server.proxy_url, SCRAPY_SETTINGS_MODULE="bench_settings",
               PYTHONPATH=os.pathsep.join([str(run_dir), str(PROJECT), os.environ.get("PYTHONPATH", "")]))
    try:
        code, wall, peak_tree, usage = run_measured(command, env, PROJECT, run_dir / "crawl.log")
    finally:
        served = server.stop()
    by_status = {int(k): v for k, v in dict(served["by_status"]).items()}  # type: ignore[call-overload]
    busy = float(served["last_at"]) - float(served["first_at"]) if served["requests"] else 0.0  # type: ignore[arg-type]
    figure = Figure(name, by_status.get(200, 0), int(served["requests"]), busy, wall,  # type: ignore[call-overload]
                    peak_tree / 1024, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, code)
    if code != 0:
        print(f"  {name}: exit {code}; log: {run_dir / 'crawl.log'}", file=sys.stderr)
    return figure


def describe(figure: Figure, reference: Figure | None) -> str:
    line = (f"{figure.name:<28} {figure.pages:>6} pages {figure.seconds:>7.1f} s {figure.pages_per_second:>7.1f} pages/s"
            f" (wall {figure.wall_seconds:.1f} s")
    if figure.peak_tree_rss_mb is not None:
        line += f", peak RSS {figure.peak_tree_rss_mb:.0f} MB tree / {figure.peak_process_rss_mb:.0f} MB process"
    if figure.cpu_seconds is not None:
        line += f", {1000 * figure.cpu_seconds / max(figure.pages, 1):.0f} ms CPU/page"
    line += ")"
    if reference and reference.pages_per_second:
        line += f"  ratio {figure.pages_per_second / reference.pages_per_second:.2f}"
    return line + ("" if figure.exit_code == 0 else f"  EXIT {figure.exit_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[100, 1000], help="farm sizes to crawl")
    parser.add_argument("--pages", type=int, default=10, help="pages per site")
    parser.add_argument("--seed", type=int, default=1, help="farm generator seed")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "clinicwatch-bench",
                        help="folder for farms, databases and logs (farms are reused)")
    parser.add_argument("--crawl-cmd", default=DEFAULT_CRAWL,
                        help="crawl command; {python}, {seeds} and {db} are filled in (default: %(default)s)")
    parser.add_argument("--skip-bench", action="store_true", help="do not run scrapy bench")
    parser.add_argument("--skip-crawl", action="store_true", help="only run scrapy bench")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    # A bench right before each crawl: on a shared machine the load drifts between runs.
    for sites in [None] if args.skip_crawl else args.sites:
        farm = ensure_farm(args.work, sites, args.pages, args.seed) if sites else None
        reference = None if args.skip_bench else scrapy_bench(args.work)
        if reference:
            figures.append(reference)
            print(describe(reference, None), flush=True)
        if farm and sites:
            figure = crawl_farm(args.work, farm, args.crawl_cmd, f"crawl {sites} sites x {args.pages}")
            figures.append(figure)
            print(describe(figure, reference), flush=True)
    if args.json:
        rows = [asdict(f) | {"pages_per_second": round(f.pages_per_second, 1)} for f in figures]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
