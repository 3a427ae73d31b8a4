"""The National Day rush, as phones make it (``make bench BENCH_ARGS="--scenario rush"``).

Every volunteer walks the phone's path for each shift it wants, in order, on its connection:
the event page (signed in), the sign-up page, the sign-up POST, and the page it redirects to.
wrk runs one connection per thread, so each connection's requests go strictly one after another;
the Lua below hands each thread its share of the volunteers and times every step. Afterwards the
database is asked whether any shift is overbooked or any (volunteer, shift) pair doubled, and
whether confirmed + waitlisted equals the sign-ups answered (``planner.bench_rush``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("event page", "sign-up page", "POST sign-up", "result page")

LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } timeval_t;
int gettimeofday(timeval_t *tv, void *tz);
]]
local tv = ffi.new("timeval_t")
local function now_us()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

-- The volunteers come from a file, a line each ("cookie csrf event:shift,event:shift,…"): a
-- script holding 20,000 of them as a table is too big for LuaJIT to load, and wrk then quietly
-- sends its default request instead.
local threads = 0
setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local mine, v, a, step, sent, started
local finished = false
local lat = {{}, {}, {}, {}}
local answered, refused, bad = 0, 0, 0

-- wrk's done() sees the threads only through thread:get: each thread writes its own figures to
-- a file when it has walked all its volunteers, and stops. It stops while sending one last,
-- complete request (a /healthz): gunicorn closes each connection after its response and wrk
-- opens the next at once, so a thread that stopped after a response would leave a connection
-- open with nothing on it, and a sync worker waits on such a connection until its 30 s timeout.
local function finish()
  local function list(t)
    local parts = {}
    for i = 1, #t do parts[#parts + 1] = tostring(t[i]) end
    return "[" .. table.concat(parts, ",") .. "]"
  end
  local f = io.open("{OUT}" .. tid .. ".json", "w")
  f:write(string.format('{"answered":%d,"refused":%d,"bad":%d,"started":%d,"finished":%d,"steps":[%s,%s,%s,%s]}',
    answered, refused, bad, started, now_us(), list(lat[1]), list(lat[2]), list(lat[3]), list(lat[4])))
  f:close()
  wrk.thread:stop()
end

init = function(args)
  mine = {}
  local i = 0
  for line in io.lines("{DATA}") do
    if i % {THREADS} == tid then
      local cookie, csrf, asks = line:match("^(%S+) (%S+) (%S+)$")
      local hand = {}
      for event, shift in asks:gmatch("(%d+):(%d+)") do hand[#hand + 1] = {event, shift} end
      mine[#mine + 1] = {cookie, csrf, hand}
    end
    i = i + 1
  end
  v, a, step = 1, 1, 1
  started = now_us()
end

request = function()
  if v > #mine then
    if not finished then
      finished = true
      finish()
    end
    return wrk.format("GET", "/healthz")
  end
  local who = mine[v]
  local ask = who[3][a]
  local headers = {["Cookie"] = "session=" .. who[1], ["Accept-Language"] = "zh-CN"}
  sent = now_us()
  if step == 1 then
    return wrk.format("GET", "/events/" .. ask[1], headers)
  elseif step == 2 then
    return wrk.format("GET", "/shifts/" .. ask[2] .. "/signup", headers)
  elseif step == 3 then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", "/shifts/" .. ask[2] .. "/signup", headers, "csrf_token=" .. who[2])
  else
    return wrk.format("GET", "/shifts/" .. ask[2] .. "/signup?done=1", headers)
  end
end

response = function(status, headers, body)
  if v > #mine then
    return
  end
  local l = lat[step]
  l[#l + 1] = now_us() - sent
  if status >= 400 then bad = bad + 1 end
  if step == 3 then
    local where = headers["Location"] or ""
    if status == 302 and where:find("done=1", 1, true) then
      answered = answered + 1
    else
      refused = refused + 1
    end
  end
  step = step + 1
  if step > 4 then
    step = 1
    a = a + 1
    if a > #mine[v][3] then a = 1; v = v + 1 end
  end
end
"""


def _volunteer_lines(volunteers: list[dict]) -> str:
    """The data file the script reads: "cookie csrf event:shift,…", a volunteer a line."""
    return "".join(
        f"{v['cookie']} {v['csrf']} {','.join(f'{e}:{s}' for e, s in v['asks'])}\n"
        for v in volunteers
    )


def _script(threads: int, data: str, out_prefix: str) -> str:
    return (
        LUA.replace("{DATA}", data).replace("{THREADS}", str(threads)).replace("{OUT}", out_prefix)
    )


def percentile(values: list[int], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] / 1000


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """This machine's PostgreSQL processes (the server and its backends), when it runs here."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def run(base: str, env: dict, args, workers: list[int]) -> dict:
    """Prepare the rush, run it with wrk, check the database; return the figures.
    ``workers``: the gunicorn workers' pids, whose CPU time is measured with PostgreSQL's."""
    from bench.scenarios import _in_app_module

    prepared = _in_app_module(
        env,
        "bench_rush",
        f"bench_rush.prepare_rush(volunteers={args.rush_volunteers}, shifts={args.rush_shifts},"
        f" per={args.rush_per}, hot={args.rush_hot}, places={args.rush_places})",
    )
    volunteers = prepared["volunteers"]
    threads = min(args.connections, len(volunteers))
    folder = Path(tempfile.mkdtemp(prefix="rush-"))
    data, script = folder / "volunteers.txt", folder / "rush.lua"
    data.write_text(_volunteer_lines(volunteers), encoding="utf-8")
    script.write_text(_script(threads, str(data), str(folder / "thread-")), encoding="utf-8")
    began = time.monotonic()
    cpu_before = cpu_seconds(workers), cpu_seconds(postgres_pids())
    # wrk sleeps for its whole -d before it stops; the threads write their reports when they have
    # walked every volunteer, so wrk is stopped (SIGINT) as soon as all are there.
    wrk = subprocess.Popen(
        ["wrk", "-t", str(threads), "-c", str(threads), "-d", f"{args.rush_limit}s"]
        + ["--timeout", "10s", "-s", str(script), base],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    while wrk.poll() is None and time.monotonic() - began < args.rush_limit + 60:
        if len(list(folder.glob("thread-*.json"))) == threads:
            time.sleep(0.5)  # the last report is being written
            wrk.send_signal(signal.SIGINT)
            break
        time.sleep(0.5)
    try:
        output = wrk.communicate(timeout=60)[0]
    except subprocess.TimeoutExpired:
        wrk.kill()
        output = wrk.communicate()[0]
    wall = time.monotonic() - began
    cpu_workers = cpu_seconds(workers) - cpu_before[0]
    cpu_postgres = cpu_seconds(postgres_pids()) - cpu_before[1]
    reports = [json.loads(p.read_text()) for p in sorted(folder.glob("thread-*.json"))]
    if len(reports) != threads:
        raise RuntimeError(f"{threads - len(reports)} wrk threads did not finish:\n{output}")
    answered = sum(r["answered"] for r in reports)
    seconds = (max(r["finished"] for r in reports) - min(r["started"] for r in reports)) / 1e6
    steps = [[x for r in reports for x in r["steps"][i]] for i in range(4)]
    check = _in_app_module(
        env, "bench_rush", f"bench_rush.check_rush({prepared['shifts']!r}, {answered})"
    )
    result = {
        "volunteers": len(volunteers),
        "shifts": len(prepared["shifts"]),
        "asked": sum(len(v["asks"]) for v in volunteers),
        "answered": answered,
        "refused": sum(r["refused"] for r in reports),
        "errors": sum(r["bad"] for r in reports),
        "seconds": round(seconds, 1),
        "wall_seconds": round(wall, 1),
        "signups_per_second": round(answered / seconds, 1) if seconds else 0.0,
        # CPU milliseconds per full sign-up (four requests), measured over the whole run.
        "cpu_ms_per_signup": {
            "workers": round(cpu_workers * 1000 / answered, 2) if answered else 0.0,
            "postgres": round(cpu_postgres * 1000 / answered, 2) if answered else 0.0,
        },
        "steps": {
            name: {
                "count": len(values),
                "p50_ms": percentile(values, 50),
                "p99_ms": percentile(values, 99),
            }
            for name, values in zip(STEPS, steps, strict=True)
        },
        "check": check,
    }
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    return result


def print_result(result: dict) -> None:
    print(
        f"rush: {result['answered']:,} of {result['asked']:,} sign-ups answered in "
        f"{result['seconds']} s = {result['signups_per_second']} full phone-path sign-ups/s "
        f"({result['volunteers']:,} volunteers, {result['shifts']:,} shifts; "
        f"{result['refused']} refused, {result['errors']} errors)"
    )
    for name, step in result["steps"].items():
        print(f"  {name:14s} p50 {step['p50_ms']:7.1f} ms  p99 {step['p99_ms']:7.1f} ms")
    cpu = result.get("cpu_ms_per_signup")
    if cpu:
        print(
            f"  CPU per sign-up (4 requests): workers {cpu['workers']} ms,"
            f" PostgreSQL {cpu['postgres']} ms"
        )
    check = result["check"]
    print(
        f"  check: {check['overbooked_shifts']} overbooked shifts, {check['duplicate_pairs']}"
        f" duplicate pairs, confirmed {check['confirmed']:,} + waitlisted {check['waitlisted']:,}"
        f" {'=' if check['held_equals_answered'] else '≠'} answered {check['answered']:,}"
    )


def failed(result: dict) -> bool:
    check = result["check"]
    return bool(
        check["overbooked_shifts"]
        or check["duplicate_pairs"]
        or not check["held_equals_answered"]
        or result["errors"]
        or result["refused"]
    )
