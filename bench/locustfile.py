"""Locust task mix for the load test (bench/load.py starts it; see docs/performance.md).

    .venv/bin/locust -f bench/locustfile.py --headless -u 32 -r 32 --host http://127.0.0.1:PORT

Every simulated visitor repeatedly picks a group of pages by weight (home, directory with
filters, search, organisation, network and growth-field pages, comparison, API lists and
details; German and English addresses) and one address of that group at random, and requests
it with no redirect followed. Anything but HTTP 200 is a failure. The addresses come from the
JSON file ``LOAD_URLS`` names (written by bench/load.py from the database:
``{"groups": {"home": {"weight": 2, "urls": [...]}, ...}}``); the think time between two
requests is ``LOAD_WAIT`` seconds (``0`` by default: every user has a request in flight at all
times; ``1,3`` for a random wait between one and three seconds).

When ``LOAD_SAMPLES`` names a file, every request is written to it as a CSV line (start epoch
seconds, group, URL, milliseconds, bytes, ok) when locust quits, so that bench/load.py computes
the percentiles itself (exactly, and for any time window) instead of reading locust's rounded
histogram.
"""

import csv
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

URLS_FILE = Path(
    os.environ.get("LOAD_URLS", Path(__file__).resolve().parent / "out" / "load_urls.json")
)
SAMPLES_FILE = os.environ.get("LOAD_SAMPLES", "")


def _wait_time():
    spec = os.environ.get("LOAD_WAIT", "0").strip()
    if "," in spec:
        low, high = (float(part) for part in spec.split(","))
        return between(low, high)
    return constant(float(spec))


def _groups():
    data = json.loads(URLS_FILE.read_text(encoding="utf-8"))["groups"]
    names = [name for name, group in data.items() if group["urls"] and group["weight"] > 0]
    return names, [data[name]["weight"] for name in names], {n: data[n]["urls"] for n in names}


GROUP_NAMES, GROUP_WEIGHTS, GROUP_URLS = _groups()
SAMPLES = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, start_time=None,
            url="", **kwargs):
    SAMPLES.append(
        (f"{start_time:.6f}", name, url, f"{response_time:.3f}", response_length or 0,
         0 if exception else 1)
    )


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    if not SAMPLES_FILE or not SAMPLES:
        return
    with open(SAMPLES_FILE, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["start", "group", "url", "ms", "bytes", "ok"])
        writer.writerows(SAMPLES)
    SAMPLES.clear()


class PortalVisitor(FastHttpUser):
    """An anonymous visitor of the public portal and the open data API."""

    wait_time = _wait_time()

    @task
    def visit(self):
        group = random.choices(GROUP_NAMES, weights=GROUP_WEIGHTS)[0]
        url = random.choice(GROUP_URLS[group])
        with self.client.get(
            url, name=group, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
