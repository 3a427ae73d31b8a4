"""Load-test Xinfeng against its own /healthz ceiling (``make bench``; see bench/README.md).

Starts gunicorn on a free loopback port against SQLite (default) or ``DATABASE_URL``, seeds the
benchmark data set once, then drives each endpoint with wrk from a second process for a bounded
time and reports requests per second, p50 and p99 latency, the ratio to /healthz measured in the
same run, and each worker's peak RSS. Results go to docs/PERFORMANCE.md and docs/performance.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = """
local reqs = {REQUESTS}
local threads = 0
setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
-- Each wrk thread takes every THREADS-th request, so no two threads send the same one.
local n = 0
request = function()
  local r = reqs[((tid or 0) + n * {THREADS}) % #reqs + 1]
  n = n + 1
  return wrk.format(r[1], r[2], r[3], r[4])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests":%d,"duration_us":%d,"socket_errors":%d,"status_errors":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def lua_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def lua_requests(requests: list[dict]) -> str:
    items = []
    for r in requests:
        headers = (
            "{"
            + ", ".join(
                f"[{lua_string(k)}]={lua_string(v)}" for k, v in r.get("headers", {}).items()
            )
            + "}"
        )
        body = lua_string(r["body"]) if r.get("body") else "nil"
        items.append(
            f"{{{lua_string(r.get('method', 'GET'))}, {lua_string(r['path'])}, {headers}, {body}}}"
        )
    return "{" + ",\n".join(items) + "}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def peak_rss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else 0.0


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout
    return [int(p) for p in out.split()]


def run_wrk(
    base: str, requests: list[dict], seconds: float, connections: int, threads: int
) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(
            LUA.replace("{REQUESTS}", lua_requests(requests)).replace("{THREADS}", str(threads))
        )
        script = f.name
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{int(seconds)}s",
                "--timeout",
                "10s",
                "-s",
                script,
                base,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script)
    match = re.search(r"RESULT (\{.*\})", out)
    if not match:
        raise RuntimeError(f"wrk gave no result:\n{out}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


class Session:
    """A logged-in browser session prepared before the load: cookie and CSRF token."""

    def __init__(self, base: str, phone: str, password: str):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get(base + "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrf_token": token, "phone": phone, "password": password}
        ).encode()
        self.opener.open(base + "/login", data=data, timeout=30).read()
        page = self.get(base + "/account")
        self.csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def get(self, url: str) -> str:
        return self.opener.open(url, timeout=30).read().decode()

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["small", "city"], default="small")
    parser.add_argument("--seconds", type=int, default=10, help="load per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--scenario",
        choices=["endpoints", "rush"],
        default="endpoints",
        help="endpoints: every page and action in turn; rush: the National Day sign-up rush",
    )
    parser.add_argument("--rush-volunteers", type=int, default=20_000)
    parser.add_argument("--rush-shifts", type=int, default=2_000)
    parser.add_argument("--rush-per", type=int, default=5, help="shifts each volunteer asks for")
    parser.add_argument("--rush-hot", type=int, default=400, help="shifts asked 3× their places")
    parser.add_argument("--rush-places", type=int, default=50)
    parser.add_argument("--rush-limit", type=int, default=1800, help="seconds before giving up")
    parser.add_argument(
        "--out",
        default=str(ROOT / "docs"),
        help="folder for PERFORMANCE.md and performance.json; '-' prints only",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="only rewrite PERFORMANCE.md from performance.json and the notes",
    )
    args = parser.parse_args()
    if args.render:
        write_report(Path(args.out), None)
        return 0

    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make bench does this as root)", file=sys.stderr)
        return 2
    env = dict(os.environ)
    instance = Path(env.get("PLANNER_BENCH_INSTANCE", ROOT / "instance" / "bench"))
    instance.mkdir(parents=True, exist_ok=True)
    env["PLANNER_INSTANCE_PATH"] = str(instance)
    env.setdefault("SECRET_KEY", "benchmark-only")
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{instance}/bench-{args.scale}.db"
    database = env["DATABASE_URL"].split(":", 1)[0].split("+")[0]

    flask(env, "db", "upgrade")
    marker = (
        instance
        / f"seeded-{args.scale}-{hashlib.sha1(env['DATABASE_URL'].encode()).hexdigest()[:10]}"
    )
    seed_report = ""
    if not marker.exists():
        seed_report = flask(env, "bench-seed", "--scale", args.scale).strip()
        marker.write_text(seed_report)
    else:
        seed_report = marker.read_text()
    print(seed_report)
    # Statistics for indexes that migrations added since the seeding, and for the data itself.
    flask(env, "analyze")

    from bench.scenarios import _in_app, prepare  # noqa: E402 - needs sys.path set by the caller

    # Measured in-process before the server starts, so nothing else competes for the cores.
    feed = _in_app(env, "bench.feed_render_ms()")
    print(
        f"feed of {feed['events']} events: loaded in {feed['load_ms']} ms, rendered in {feed['render_ms']} ms"
        f" ({feed.get('cpu_ms')} ms CPU for both)"
    )
    ledger = _in_app(env, "bench.ledger_build_ms()")
    print(
        f"ledger of {ledger['events']} events, {ledger['signups']} sign-ups: built in"
        f" {ledger['build_ms']} ms ({ledger['cpu_ms']} ms CPU)"
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "app:app",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not come up")
        if args.scenario == "rush":
            from bench import rush  # noqa: E402

            outcome = rush.run(base, env, args, workers=worker_pids(server.pid))
            rush.print_result(outcome)
            rss = [round(peak_rss_mb(pid), 1) for pid in worker_pids(server.pid)]
            if args.out != "-":
                write_rush_report(Path(args.out), database, args, outcome, rss)
            return 1 if rush.failed(outcome) else 0
        scenarios = prepare(base, env, Session)
        results = []
        for name, requests in scenarios:
            result = run_wrk(base, requests, args.seconds, args.connections, args.threads)
            # wrk stops sending, but requests already queued still run: let them drain before the
            # next endpoint is measured (the listen queue is served in order, so /healthz is last).
            urllib.request.urlopen(base + "/healthz", timeout=300).read()
            result["name"] = name
            results.append(result)
            print(
                f"{name:40s} {result['rps']:8.1f} req/s  p50 {result['p50_us'] / 1000:7.1f} ms  p99 {result['p99_us'] / 1000:7.1f} ms"
                f"  errors {result['socket_errors'] + result['status_errors']}"
            )
        rss = [round(peak_rss_mb(pid), 1) for pid in worker_pids(server.pid)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    ceiling = next(r["rps"] for r in results if r["name"] == "/healthz")
    for r in results:
        r["ratio"] = r["rps"] / ceiling if ceiling else 0.0
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "scale": args.scale,
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "seed": seed_report,
        "worker_peak_rss_mb": rss,
        "feed": feed,
        "ledger": ledger,
        "results": results,
    }
    print(f"worker peak RSS (MB): {rss}")
    if args.out != "-":
        write_report(Path(args.out), report)
    return 0


# Issue 8's targets: the ratio to /healthz each endpoint must reach, at city scale on both databases.
RATIO_TARGETS = {
    "/events (first page)": 0.40,
    "/events/<id>": 0.50,
    "POST sign-up (logged in)": 0.30,
    "community feed .ics (304)": 0.80,
    "live-round poll (304)": 0.60,
}
FEED_RENDER_MS = 30
WORKER_RSS_MB = 200


def targets_table(runs: dict) -> list[str]:
    """One row per target, one column per run: the measured value and whether it is met."""
    keys = sorted(runs)
    lines = [
        "## Targets",
        "",
        "| target | " + " | ".join(keys) + " |",
        "|---|" + "---:|" * len(keys),
    ]

    def cell(value: float | None, met: bool, fmt: str) -> str:
        return "–" if value is None else f"{fmt.format(value)} {'met' if met else '**not met**'}"

    for name, target in RATIO_TARGETS.items():
        row = []
        for key in keys:
            ratio = next((r["ratio"] for r in runs[key]["results"] if r["name"] == name), None)
            row.append(cell(ratio, ratio is not None and ratio >= target, "{:.2f}"))
        lines.append(f"| {name} ≥ {target:.2f} | " + " | ".join(row) + " |")
    renders = [runs[k].get("feed", {}).get("render_ms") for k in keys]
    lines.append(
        f"| 1,000-event feed rendered < {FEED_RENDER_MS} ms | "
        + " | ".join(cell(v, v is not None and v < FEED_RENDER_MS, "{:.1f} ms") for v in renders)
        + " |"
    )
    rss = [max(runs[k]["worker_peak_rss_mb"], default=None) for k in keys]
    lines.append(
        f"| worker peak RSS < {WORKER_RSS_MB} MB | "
        + " | ".join(cell(v, v is not None and v < WORKER_RSS_MB, "{:.0f} MB") for v in rss)
        + " |"
    )
    return lines + [""]


def write_rush_report(out: Path, database: str, args, outcome: dict, rss: list[float]) -> None:
    """Keep the rush's result beside the endpoint runs and render PERFORMANCE.md again."""
    data_file = out / "performance.json"
    data = json.loads(data_file.read_text()) if data_file.exists() else {"runs": {}}
    data.setdefault("rush", {})[f"{database}-{args.scale}"] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "scale": args.scale,
        "cores": os.cpu_count(),
        "workers": args.workers,
        "connections": args.connections,
        "worker_peak_rss_mb": rss,
        "redis": bool(os.environ.get("REDIS_URL")),
        **outcome,
    }
    out.mkdir(parents=True, exist_ok=True)
    data_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    write_report(out, None)


def rush_tables(rushes: dict) -> list[str]:
    lines = []
    for key in sorted(rushes):
        r = rushes[key]
        check = r["check"]
        lines += [
            f"## The National Day rush: {r['database']}, {r['scale']} scale",
            "",
            f"{r['date']} · {r['cores']} cores · gunicorn {r['workers']} sync workers · "
            f"{r['connections']} phones at once, each walking event page → sign-up page → POST → "
            "result page for every shift it wants",
            "",
            f"**{r['signups_per_second']} full phone-path sign-ups per second**: "
            f"{r['answered']:,} of {r['asked']:,} answered in {r['seconds']} s "
            f"({r['volunteers']:,} volunteers, {r['shifts']:,} shifts; {r['refused']} refused, "
            f"{r['errors']} errors). Check: {check['overbooked_shifts']} overbooked shifts, "
            f"{check['duplicate_pairs']} duplicate (volunteer, shift) pairs, confirmed "
            f"{check['confirmed']:,} + waitlisted {check['waitlisted']:,} "
            f"{'=' if check['held_equals_answered'] else '≠'} answered.",
            *(
                [
                    "",
                    f"CPU per full sign-up (four requests): {r['cpu_ms_per_signup']['workers']} ms"
                    f" in the workers, {r['cpu_ms_per_signup']['postgres']} ms in PostgreSQL; "
                    f"Redis {'on' if r.get('redis') else 'off'}.",
                ]
                if "cpu_ms_per_signup" in r
                else []
            ),
            "",
            "| step | requests | p50 ms | p99 ms |",
            "|---|---:|---:|---:|",
            *(
                f"| {name} | {s['count']:,} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} |"
                for name, s in r["steps"].items()
            ),
            "",
        ]
    return lines


def write_report(out: Path, report: dict | None) -> None:
    """Keep one result per (database, scale) in performance.json and render PERFORMANCE.md's tables."""
    out.mkdir(parents=True, exist_ok=True)
    data_file = out / "performance.json"
    data = json.loads(data_file.read_text()) if data_file.exists() else {"runs": {}}
    if report is not None:
        data["runs"][f"{report['database']}-{report['scale']}"] = report
        data_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (bench/README.md). Absolute numbers vary between machines;",
        "the ratio to `/healthz`, measured in the same run, is what travels.",
        "",
    ]
    notes = out / "PERFORMANCE-notes.md"
    for key in sorted(data["runs"]):
        run = data["runs"][key]
        lines += [
            f"## {run['database']}, {run['scale']} scale",
            "",
            f"{run['date']} · {run['cores']} cores ({run['machine']}) · Python {run['python']} · "
            f"gunicorn {run['workers']} sync workers · wrk {run['connections']} connections, {run['seconds']} s per endpoint · "
            f"worker peak RSS {', '.join(f'{m:.0f} MB' for m in run['worker_peak_rss_mb'])}",
            "",
            f"Data: {run['seed']}",
            "",
            *(
                [
                    f"In-process, best of 5: a feed of {run['feed']['events']:,} events loads in "
                    f"{run['feed']['load_ms']} ms and renders in {run['feed']['render_ms']} ms "
                    f"({run['feed'].get('cpu_ms', '?')} ms of CPU time for both).",
                    "",
                ]
                if run.get("feed")
                else []
            ),
            *(
                [
                    f"In-process, best of 3: a department's ledger over 30 days "
                    f"({run['ledger']['events']:,} events, {run['ledger']['signups']:,} sign-ups) "
                    f"builds, XLSX included, in {run['ledger']['build_ms']} ms "
                    f"({run['ledger']['cpu_ms']} ms of CPU time).",
                    "",
                ]
                if run.get("ledger")
                else []
            ),
            "| endpoint | req/s | p50 ms | p99 ms | ratio to /healthz | errors |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in run["results"]:
            lines.append(
                f"| {r['name']} | {r['rps']:.1f} | {r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} | "
                f"{r['ratio']:.2f} | {r['socket_errors'] + r['status_errors']} |"
            )
        lines.append("")
    lines += targets_table(data["runs"])
    lines += rush_tables(data.get("rush", {}))
    if notes.exists():
        lines += [notes.read_text()]
    (out / "PERFORMANCE.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
