"""The synthetic site farm and the asyncio farm server the throughput benchmark crawls."""

from __future__ import annotations

import csv
import importlib.util
import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
_spec = importlib.util.spec_from_file_location("sitefarm_gen", BENCHMARKS / "sitefarm_gen.py")
assert _spec and _spec.loader
sitefarm_gen = sys.modules["sitefarm_gen"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
_spec.loader.exec_module(sitefarm_gen)
generate_farm = sitefarm_gen.generate_farm


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("farm")
    generate_farm(root, sites=12, pages=6, seed=3)
    (root / "c00000-clinic.example" / "_meta.json").write_text(
        json.dumps({"/old.html": {"status": 301, "location": "http://c00000-clinic.example/about/"}}), encoding="utf-8"
    )
    return root


def _serve(farm: Path) -> tuple[str, subprocess.Popen[str]]:
    server = subprocess.Popen([sys.executable, str(BENCHMARKS / "fast_farm.py"), str(farm)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server.stdout.readline().split()[1], server


@pytest.fixture(scope="module")
def proxy(farm: Path) -> Iterator[str]:
    proxy_url, server = _serve(farm)
    yield proxy_url
    server.kill()
    server.wait()


def _get(proxy_url: str, url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": proxy_url}), _NoRedirect()
    )
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_same_seed_writes_the_same_farm(farm: Path, tmp_path: Path) -> None:
    generate_farm(tmp_path, sites=12, pages=6, seed=3)
    for again in tmp_path.rglob("*.html"):
        assert again.read_bytes() == (farm / again.relative_to(tmp_path)).read_bytes(), again


def test_farm_has_every_page_seed_and_manifest_entry(farm: Path) -> None:
    manifest = json.loads((farm / "manifest.json").read_text(encoding="utf-8"))
    seeds = list(csv.DictReader((farm / "seeds.csv").open(encoding="utf-8")))
    assert [row["url"] for row in seeds] == [f"http://{host}/" for host in manifest]
    for host, site in manifest.items():
        assert len(list((farm / host).rglob("*.html"))) == site["pages"] == 6


def test_about_page_carries_name_address_and_phone(farm: Path) -> None:
    manifest = json.loads((farm / "manifest.json").read_text(encoding="utf-8"))
    host, site = next(iter(manifest.items()))
    html = (farm / host / "about" / "index.html").read_bytes().decode(site["charset"])
    assert site["name"] in html and "所在地" in html and "電話番号" in html


def test_some_sites_advertise_filed_treatments_and_some_nothing(farm: Path) -> None:
    manifest = json.loads((farm / "manifest.json").read_text(encoding="utf-8"))
    terms = [set(site["advertised"]) for site in manifest.values()]
    assert any(t & {"自己脂肪由来幹細胞", "PRP（多血小板血漿）", "NK細胞療法", "線維芽細胞移植"} for t in terms)
    assert any(not t & {"自己脂肪由来幹細胞", "PRP（多血小板血漿）", "NK細胞療法", "線維芽細胞移植"} for t in terms)


def test_fast_farm_serves_pages_as_files(farm: Path, proxy: str) -> None:
    status, headers, body = _get(proxy, "http://c00001-clinic.example/about/")
    assert status == 200
    assert body == (farm / "c00001-clinic.example" / "about" / "index.html").read_bytes()
    assert headers["Content-Type"] == "text/html"


@pytest.mark.parametrize(
    ("url", "status"),
    [("http://unknown.example/", 502), ("http://c00001-clinic.example/robots.txt", 404),
     ("http://c00001-clinic.example/_meta.json", 404), ("http://c00000-clinic.example/old.html", 301)],
)
def test_fast_farm_answers_as_sitefarm(proxy: str, url: str, status: int) -> None:
    assert _get(proxy, url)[0] == status


def test_fast_farm_reports_what_it_served_on_sigint(farm: Path) -> None:
    proxy_url, server = _serve(farm)
    _get(proxy_url, "http://c00002-clinic.example/")
    _get(proxy_url, "http://unknown.example/")
    server.send_signal(signal.SIGINT)
    out, _ = server.communicate(timeout=10)
    counts = json.loads(out.strip().splitlines()[-1])
    assert counts["by_status"] == {"200": 1, "502": 1}
    assert counts["last_at"] >= counts["first_at"] > 0
