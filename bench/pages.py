"""Speed of the pages people open, under people's load: ``zhengai serve`` with the production settings
of the README ("Production", "CSP and deploy settings"), 20 signed-in users pausing 1–3 s between pages.

    python bench/pages.py                                   # the large college, one command (~5 min)
    python bench/pages.py --existing                        # the database of the environment as it is

By default the bench copies the large college's PostgreSQL template (``--template``, default
``zg_large_template``; nobody may be connected to it while it is copied) into its own database
(``--database``, default ``zg_bench_pages``: made for the run, refused if it exists, dropped at the end
unless ``--keep``; ``bench/throwaway.py``), migrates it, and adds the bench's sign-ins: for each of the
four roles — 质管办 (quality office), 部门负责人 (a department head), 教师 (teacher), 学生 (student) —
``--users``/4 different people (different departments, teachers with offerings this term, students in
school), each with password, and the quality office with a TOTP device whose secret the bench knows
(the code is computed as a phone does, RFC 6238). ``--existing`` runs on DATABASE_URL (e.g. the small
SQLite demo) and removes its sign-ins afterwards.

It starts ``zhengai serve --no-scheduler`` with DEBUG=false, a SECRET_KEY, ALLOWED_HOSTS, HTTPS as
behind a TLS-terminating proxy (USE_X_FORWARDED_PROTO, SECURE_SSL_REDIRECT, secure cookies, HSTS; the
bench sends ``X-Forwarded-Proto: https`` as the proxy would), the production cache (``--cache-url``:
Redis by default, the run's keys under a prefix of their own, deleted at the end) and one bench
instrument, ``ZHENGAI_BENCH_QUERY_TIMING=true``: each response's ``Server-Timing`` header says how long
Django took and how much of it was SQL (``zhengai.core.middleware.QueryTiming``; off in production).

Then, after one warm-up pass over every page of every user:

1. people: every user signs in and opens pages of their role at random, pausing 1–3 s (uniform)
   between them, for ``--duration`` seconds; p50 and p95 per page and role, Django's and SQL's share;
2. saturation: for each page in turn, ``--users`` clients without pauses for ``--saturation`` seconds:
   pages per second.

The baseline in the same run is the sign-in page (a template, a session, no data) and ``/healthz``,
measured beside the users by one more client with the same pauses, and at saturation too; ratios are
against the sign-in page. The client's own CPU (this process), the server's (gunicorn's processes)
and the machine's busy share are printed per phase, with the load average, since the machine may be
shared. The client is the standard library's ``http.client`` in one thread per user: a new
connection per page (gunicorn's sync workers close every connection anyway).
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import math
import os
import random
import re
import secrets
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")

import throwaway  # noqa: E402

ROLES = ("quality_office", "department_head", "teacher", "student")
ROLE_NAMES = {"quality_office": "质管办", "department_head": "部门负责人", "teacher": "教师", "student": "学生"}
USER_PREFIX = "bench_pages_"
PASSWORD = "Pages-bench-xK9vQ-r2w"
TARGET_MS = 300.0
POOL = 25  # subjects sampled per level and user, one picked at random per visit
INDICATORS = {  # the indicator page each staff role opens (the level it is computed for differs)
    "quality_office": "student.attendance_rate",
    "department_head": "offering.attendance_rate",
    "teacher": "offering.attendance_rate",
}
LEVEL_OVERVIEWS = ("school", "specialty", "course", "teacher", "student")

# --- the bench's sign-ins and their pages -----------------------------------------------------------


def totp(key: bytes, at: float, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (HMAC-SHA1), the code an authenticator app shows at ``at``."""
    counter = struct.pack(">Q", int(at // step))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10 ** digits:0{digits}d}"


def prepare(per_role: int, seed: int) -> list[dict]:
    """Create the bench's accounts (``USER_PREFIX``…) and return, per user, its role, credentials and
    the pages it opens: ``{"pages": {label: [path, …]}}``, a path picked at random per visit."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhengai.core import clock
    from zhengai.datacenter.models import Department, Offering, Staff, Student, Subject, Term
    from zhengai.org.models import RoleAssignment, User

    rng = random.Random(seed)
    today = clock.today()
    term = Term.objects.filter(start_date__lte=today).order_by("-start_date").first()
    password = make_password(PASSWORD)
    taken_staff = set(Staff.objects.filter(user__isnull=False).values_list("pk", flat=True))

    def keys(level, **where):
        found = list(Subject.objects.filter(level=level, active=True, **where).values_list("key", flat=True)[:2000])
        rng.shuffle(found)
        return sorted(found[:POOL])

    def portraits(level, **where):
        return [f"/portraits/{level}/{key}/" for key in keys(level, **where)]

    common = {"home": ["/"], "warnings": ["/monitoring/"]}
    users = []

    def account(role, number, display_name, *, staff=None, student=None, **scope):
        user = User.objects.create(username=f"{USER_PREFIX}{role}_{number}", password=password,
                                   display_name=display_name)
        RoleAssignment.objects.create(user=user, role=role, **scope)
        if staff is not None:
            Staff.objects.filter(pk=staff.pk).update(user=user)
            taken_staff.add(staff.pk)
        if student is not None:
            Student.objects.filter(pk=student.pk).update(user=user)
        return user

    with transaction.atomic():
        User.objects.filter(username__startswith=USER_PREFIX).delete()
        # 质管办: people of the quality office (any staff if it has too few), each with a TOTP device.
        quality_staff = list(Staff.objects.filter(department__name__contains="质").exclude(pk__in=taken_staff)[:per_role])
        quality_staff += list(Staff.objects.exclude(pk__in=taken_staff | {s.pk for s in quality_staff})
                              [:per_role - len(quality_staff)])
        school_pages = {
            **common, "cockpit": ["/portraits/cockpit/"], "cockpit.json": ["/portraits/cockpit.json"],
            f"indicator {INDICATORS['quality_office']}": [f"/indicators/{INDICATORS['quality_office']}/"],
            **{f"level {level}": [f"/portraits/levels/{level}/"] for level in LEVEL_OVERVIEWS},
            **{f"portrait {level}": portraits(level) for level in
               ("school", "department", "specialty", "course", "offering", "teacher", "student")},
        }
        for number, person in enumerate(quality_staff):
            user = account("quality_office", number, person.name, staff=person)
            key = secrets.token_bytes(20)
            TOTPDevice.objects.create(user=user, name="bench", confirmed=True, key=key.hex())
            users.append({"role": "quality_office", "username": user.username, "totp": key, "pages": school_pages})
        # 部门负责人: one per teaching college, over it.
        colleges = list(Department.objects.filter(kind="college").order_by("code")[:per_role]) or \
            list(Department.objects.order_by("code")[:per_role])
        for number, college in enumerate(colleges):
            head = Staff.objects.filter(department=college).exclude(pk__in=taken_staff).first()
            user = account("department_head", number, head.name if head else college.name, staff=head,
                           department=college)
            pages = {
                **common,
                f"indicator {INDICATORS['department_head']}": [f"/indicators/{INDICATORS['department_head']}/"],
                **{f"level {level}": [f"/portraits/levels/{level}/"] for level in ("specialty", "teacher")},
                "portrait department": portraits("department", department=college),
                **{f"portrait {level}": portraits(level, department=college) for level in
                   ("specialty", "course", "offering", "teacher", "student")},
            }
            users.append({"role": "department_head", "username": user.username, "totp": None, "pages": pages})
        # 教师: people teaching offerings this term, their own portrait and offerings'.
        teacher_ids = list(Offering.objects.filter(term=term).exclude(teacher_id__in=taken_staff)
                           .values_list("teacher_id", flat=True).distinct().order_by("teacher_id")[:500])
        rng.shuffle(teacher_ids)
        for number, person in enumerate(Staff.objects.filter(pk__in=teacher_ids[:per_role]).order_by("pk")):
            user = account("teacher", number, person.name, staff=person)
            offerings = list(Offering.objects.filter(term=term, teacher=person).values_list("pk", flat=True))
            pages = {
                **common,
                f"indicator {INDICATORS['teacher']}": [f"/indicators/{INDICATORS['teacher']}/"],
                "level course": ["/portraits/levels/course/"],
                "portrait teacher": portraits("teacher", staff=person),
                "portrait offering": portraits("offering", offering_id__in=offerings),
            }
            users.append({"role": "teacher", "username": user.username, "totp": None, "pages": pages})
        # 学生: students in school with courses this term.
        student_ids = list(Student.objects.filter(status="enrolled", user__isnull=True,
                                                  enrolments__offering__term=term)
                           .values_list("pk", flat=True).distinct().order_by("pk")[:2000])
        rng.shuffle(student_ids)
        for number, person in enumerate(Student.objects.filter(pk__in=student_ids[:per_role]).order_by("pk")):
            user = account("student", number, person.name, student=person)
            pages = {**common, "portrait student": portraits("student", student=person)}
            users.append({"role": "student", "username": user.username, "totp": None, "pages": pages})
    for user in users:
        user["pages"] = {label: paths for label, paths in user["pages"].items() if paths}
    return users


def remove_accounts() -> None:
    from django.db import connections

    from zhengai.org.models import User

    User.objects.filter(username__startswith=USER_PREFIX).delete()
    connections.close_all()


# --- the client -------------------------------------------------------------------------------------


class Browser:
    """One person's cookies over plain connections to the server, as if through the TLS proxy."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https",
                   "Accept": "text/html,application/json", "Accept-Language": "zh-CN,zh;q=0.9",
                   "User-Agent": "zhengai-bench-pages"}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            # A worker killed by gunicorn's timeout, a refused connection: counted, not fatal.
            return f"error: {type(exc).__name__}", {}, b"", time.perf_counter() - start
        finally:
            connection.close()
        elapsed = time.perf_counter() - start
        for line in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(line)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, content, elapsed

    def csrf_of(self, content: bytes) -> str:
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        return found.group(1).decode() if found else ""

    def sign_in(self, username: str, password: str, totp_key: bytes | None) -> None:
        _status, _h, page, _t = self.request("GET", "/accounts/login/")
        status, headers, _c, _t = self.request("POST", "/accounts/login/", {
            "csrfmiddlewaretoken": self.csrf_of(page), "username": username, "password": password})
        location = headers.get("Location", "")
        if status != 302:
            raise SystemExit(f"sign-in of {username} answered {status}")
        if "two-factor" in location:
            _s, _h, page, _t = self.request("GET", "/account/two-factor/")
            status, headers, _c, _t = self.request("POST", "/account/two-factor/", {
                "csrfmiddlewaretoken": self.csrf_of(page), "code": totp(totp_key, time.time())})
            if status != 302:
                raise SystemExit(f"two-factor step of {username} answered {status}")


def server_timing(headers) -> tuple[float, float, int] | None:
    value = headers.get("Server-Timing", "")
    app = re.search(r"app;dur=([\d.]+)", value)
    sql = re.search(r'sql;dur=([\d.]+);desc="(\d+)"', value)
    if not app or not sql:
        return None
    return float(app.group(1)), float(sql.group(1)), int(sql.group(2))


class Record:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)  # (page, role) -> seconds
        self.server = defaultdict(list)  # (page, role) -> (app ms, sql ms, queries)
        self.statuses = defaultdict(lambda: defaultdict(int))

    def add(self, key, status, headers, elapsed, window_end=None):
        if window_end is not None and time.perf_counter() > window_end:
            return
        timing = server_timing(headers)
        with self.lock:
            self.statuses[key][status] += 1
            if status == 200:
                self.times[key].append(elapsed)
                if timing:
                    self.server[key].append(timing)


# --- CPU --------------------------------------------------------------------------------------------


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its descendants now alive, from /proc."""
    total, stack, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (OSError, IndexError, ValueError):
            continue
    return total


def machine_busy() -> tuple[float, float]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class CpuMeter:
    def __init__(self, server_pid: int):
        self.server_pid = server_pid

    def __enter__(self):
        self.wall = time.perf_counter()
        self.client = time.process_time()
        self.server = tree_cpu(self.server_pid)
        self.busy = machine_busy()
        self.load = os.getloadavg()[0]
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.client = time.process_time() - self.client
        self.server = tree_cpu(self.server_pid) - self.server
        busy, total = machine_busy()
        self.machine = (busy - self.busy[0]) / max(1, total - self.busy[1])
        self.load_end = os.getloadavg()[0]

    def line(self) -> str:
        cores = os.cpu_count() or 1
        return (f"{self.wall:.0f} s; CPU of {cores} cores: client {self.client / self.wall / cores:.1%} "
                f"({self.client / self.wall:.2f} core), gunicorn {self.server / self.wall / cores:.1%}, "
                f"whole machine busy {self.machine:.1%} (PostgreSQL and anything else running: "
                f"{max(0.0, self.machine - (self.client + self.server) / self.wall / cores):.1%}); "
                f"load average {self.load:.1f} → {self.load_end:.1f}")


# --- the phases -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


BASELINE = {"sign-in page (baseline)": "/accounts/login/", "/healthz (baseline)": "/healthz"}


def baseline_visit(port: int, record: Record, label: str, window_end=None) -> None:
    status, headers, _c, elapsed = Browser(port).request("GET", BASELINE[label])
    record.add((label, "—"), status, headers, elapsed, window_end)


def people(port, sessions, duration, seed) -> Record:
    record = Record()
    stop = time.perf_counter() + duration

    def person(index, session):
        rng = random.Random(seed * 1000 + index)
        time.sleep(rng.uniform(0, 3))  # people do not all arrive in the same second
        while time.perf_counter() < stop:
            label = rng.choice(list(session["pages"]))
            status, headers, _c, elapsed = session["browser"].request("GET", rng.choice(session["pages"][label]))
            record.add((label, session["role"]), status, headers, elapsed)
            time.sleep(rng.uniform(1, 3))

    def prober():
        rng = random.Random(seed)
        labels = list(BASELINE)
        while time.perf_counter() < stop:
            baseline_visit(port, record, rng.choice(labels))
            time.sleep(rng.uniform(1, 3))

    threads = [threading.Thread(target=person, args=(i, s)) for i, s in enumerate(sessions)]
    threads.append(threading.Thread(target=prober))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return record


def saturate(port, sessions, key, clients, seconds, seed) -> float:
    """Pages per second of one page (``key`` = (label, role)) with ``clients`` clients and no pauses:
    every page answered 200 from the start until the last answer of the requests sent in ``seconds``."""
    label, role = key
    mine = [s for s in sessions if s["role"] == role and label in s["pages"]]
    done = [0, 0.0]
    lock = threading.Lock()
    start = time.perf_counter()
    end = start + seconds

    def client(index):
        rng = random.Random(seed + index)
        session = mine[index % len(mine)] if mine else None
        while time.perf_counter() < end:
            if session is None:
                status = Browser(port).request("GET", BASELINE[label])[0]
            else:
                status = session["browser"].request("GET", rng.choice(session["pages"][label]))[0]
            with lock:
                done[0] += status == 200
                done[1] = time.perf_counter()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / max(1e-9, done[1] - start)


def warm_up(sessions) -> dict:
    """Every page of every user once, in parallel; returns the statuses that were not 200."""
    refused = defaultdict(set)

    def visit(session):
        for label, paths in session["pages"].items():
            for path in paths[:2]:
                status = session["browser"].request("GET", path)[0]
                if status != 200:
                    refused[(label, session["role"])].add((path, status))

    threads = [threading.Thread(target=visit, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return refused


# --- running ----------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str | None, cache_url: str, cache_prefix: str) -> dict:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT), "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
        "ZHENGAI_REQUIRE_SECRET_KEY": "true", "ALLOWED_HOSTS": "127.0.0.1",
        "USE_X_FORWARDED_PROTO": "true", "SECURE_SSL_REDIRECT": "true", "SESSION_COOKIE_SECURE": "true",
        "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true", "SECURE_HSTS_PRELOAD": "true",
        "ZHENGAI_BENCH_QUERY_TIMING": "true", "LOG_LEVEL": "WARNING",
    })
    if database_url:
        env["DATABASE_URL"] = database_url
    if cache_url != "file":
        env.update({"ZHENGAI_CACHE_URL": cache_url, "ZHENGAI_CACHE_PREFIX": cache_prefix})
    return env


def forget_cache(cache_url: str, prefix: str) -> None:
    """Delete the run's keys: the Redis database may be shared, and the next run starts cold."""
    if cache_url == "file":
        return
    import redis

    client = redis.Redis.from_url(cache_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])


def serve(env, port, workers, log):
    process = subprocess.Popen(
        [sys.executable, "-m", "zhengai", "serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    try:
        while time.time() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"zhengai serve exited with {process.returncode}; see {log.name}")
            if Browser(port).request("GET", "/healthz")[0] == 200:
                return process
            time.sleep(0.5)
        raise SystemExit("zhengai serve did not answer /healthz within 120 s")
    except BaseException:  # Ctrl-C while it starts, too: never leave the server behind
        process.terminate()
        raise


def report(record, saturation, users_line, meter_people, meter_saturation, clients, seconds):
    base = ("sign-in page (baseline)", "—")
    base_p95 = percentile(record.times[base], 0.95) * 1000 if record.times.get(base) else float("nan")
    base_rate = saturation.get(base) or float("nan")
    print()
    print(f"people: {users_line}")
    print(f"  {meter_people.line()}")
    if meter_saturation is not None:
        print(f"saturation: {clients} clients without pauses, {seconds:g} s per page")
        print(f"  {meter_saturation.line()}")
    print()
    header = (f"{'page':<34} {'role':<10} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p95/base':>8} {'<300':>4} "
              f"{'django':>7} {'sql':>6} {'sql%':>5} {'queries':>7} {'pages/s':>7} {'/base':>6}")
    print(header)
    print("-" * len(header))
    keys = sorted(record.times, key=lambda k: (k[1] == "—", ROLES.index(k[1]) if k[1] in ROLES else 9, k[0]))
    missed = []
    for key in keys:
        times = [t * 1000 for t in record.times[key]]
        if not times:
            continue
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        server = record.server.get(key) or []
        app = statistics.median(s[0] for s in server) if server else float("nan")
        sql = statistics.median(s[1] for s in server) if server else float("nan")
        share = sum(s[1] for s in server) / max(1e-9, sum(s[0] for s in server)) if server else float("nan")
        queries = statistics.median(s[2] for s in server) if server else float("nan")
        rate = saturation.get(key, float("nan"))
        met = "yes" if p95 < TARGET_MS else "NO"
        if key[1] != "—" and p95 >= TARGET_MS:
            missed.append(f"{key[0]} ({ROLE_NAMES.get(key[1], key[1])})")
        print(f"{key[0]:<34} {ROLE_NAMES.get(key[1], key[1]):<10} {len(times):>4} {p50:>7.0f} {p95:>7.0f} "
              f"{p95 / base_p95:>8.1f} {met:>4} {app:>7.0f} {sql:>6.0f} {share:>5.0%} {queries:>7.0f} "
              f"{rate:>7.1f} {rate / base_rate:>6.2f}")
    others = {k: dict(v) for k, v in record.statuses.items() if set(v) - {200}}
    if others:
        print(f"\nanswers other than 200: {others}")
    print(f"\nmedians per page: django = ms Django spent on the request (Server-Timing), sql = ms of it in "
          f"SQL (sql% over all its requests); p95/base and /base: against the sign-in page in the same run "
          f"(p95 {base_p95:.0f} ms, {base_rate:.1f} pages/s at saturation)")
    print(f"p95 < {TARGET_MS:.0f} ms for every page: {'met' if not missed else 'missed for ' + ', '.join(missed)}",
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    throwaway.add_options(parser, "zg_bench_pages")
    parser.add_argument("--template", default="zg_large_template", metavar="NAME",
                        help="PostgreSQL database the bench copies (default zg_large_template)")
    parser.add_argument("--existing", action="store_true",
                        help="run on the database of the environment (DATABASE_URL, else the SQLite default) as it is")
    parser.add_argument("--users", type=int, default=20, help="simulated people, shared out over the four roles")
    parser.add_argument("--duration", type=float, default=120, help="seconds of the people phase")
    parser.add_argument("--saturation", type=float, default=2, help="seconds per page at saturation (0: skip)")
    parser.add_argument("--clients", type=int, default=0,
                        help="clients without pauses at saturation (default: two per worker, enough to keep every "
                             "worker busy)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (README Production: 4)")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: a free one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/1",
                        help="ZHENGAI_CACHE_URL of the server (README Production; default redis://127.0.0.1:6379/1, "
                             "the run's keys under their own prefix, deleted at the end); 'file' for the embedded "
                             "file cache")
    args = parser.parse_args()

    database_url = None
    started = time.perf_counter()
    if not args.existing:
        if not throwaway.exists(args.template):
            raise SystemExit(f"no database {args.template}: seed the large college first (README, 'The demo college')")
        throwaway.create(args.database, template=args.template)
        throwaway.drop_at_exit(args.database, keep=args.keep)
        database_url = throwaway.url(args.database)
        os.environ["DATABASE_URL"] = database_url
        print(f"copied {args.template} into {args.database} in {time.perf_counter() - started:.0f} s", flush=True)
        subprocess.run([sys.executable, "-m", "zhengai", "migrate", "--no-input", "-v", "0"], cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    per_role = max(1, args.users // len(ROLES))
    users = prepare(per_role, args.seed)
    if args.existing and not args.keep:
        import atexit

        atexit.register(remove_accounts)
    from django.db import connections

    connections.close_all()
    counts = defaultdict(int)
    for user in users:
        counts[user["role"]] += 1
    port = args.port or free_port()
    log = tempfile.NamedTemporaryFile("w", prefix="bench-pages-", suffix=".log", delete=False)
    cache_prefix = f"zg-bench-pages-{secrets.token_hex(4)}"
    server = serve(production_env(database_url, args.cache_url, cache_prefix), port, args.workers, log)
    try:
        sessions = []

        def sign_in(user):
            browser = Browser(port)
            browser.sign_in(user["username"], PASSWORD, user["totp"])
            sessions.append({**user, "browser": browser})

        threads = [threading.Thread(target=sign_in, args=(u,)) for u in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if len(sessions) != len(users):
            raise SystemExit("not every bench user could sign in")
        print(f"serving on port {port} ({args.workers} workers, log {log.name}); {len(sessions)} signed in; "
              f"warming up", flush=True)
        refused = warm_up(sessions)
        if refused:
            print(f"pages refused in the warm-up (left out): {dict(refused)}")
            for session in sessions:
                session["pages"] = {label: paths for label, paths in session["pages"].items()
                                    if (label, session["role"]) not in refused}
        users_line = (f"{len(sessions)} users (" + ", ".join(f"{counts[r]} {ROLE_NAMES[r]}" for r in ROLES)
                      + f"), pauses 1–3 s, {args.duration:g} s, {args.workers} gunicorn workers, "
                      f"DATABASE_CONN_MAX_AGE={os.environ.get('DATABASE_CONN_MAX_AGE', '0')}, "
                      f"cache {args.cache_url}, "
                      f"{'PostgreSQL ' + args.database if database_url else 'database of the environment'}")
        print(f"people phase: {users_line}", flush=True)
        with CpuMeter(server.pid) as meter_people:
            record = people(port, sessions, args.duration, args.seed)
        saturation, clients = {}, args.clients or 2 * args.workers
        if args.saturation > 0:  # the people's figures first, in case the saturation phase is cut short
            report(record, saturation, users_line, meter_people, None, clients, args.saturation)
        with CpuMeter(server.pid) as meter_saturation:
            if args.saturation > 0:
                keys = sorted({(label, s["role"]) for s in sessions for label in s["pages"]}) + \
                       [(label, "—") for label in BASELINE]
                print(f"saturation phase: {len(keys)} pages × {args.saturation:g} s", flush=True)
                for key in keys:
                    saturation[key] = saturate(port, sessions, key, clients, args.saturation, args.seed)
                    print(f"  {key[0]} ({ROLE_NAMES.get(key[1], key[1])}): {saturation[key]:.1f} pages/s", flush=True)
        report(record, saturation, users_line, meter_people, meter_saturation, clients, args.saturation)
        print(f"\nwhole bench {time.perf_counter() - started:.0f} s")
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        forget_cache(args.cache_url, cache_prefix)


if __name__ == "__main__":
    main()
