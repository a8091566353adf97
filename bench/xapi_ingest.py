"""xAPI ingest throughput: 100,000 statements in batches of 100 from several concurrent clients to a
real gunicorn server on 127.0.0.1, backed by a throwaway PostgreSQL database (``--database``, default
zg_bench_xapi: created for the run and dropped after it, never an existing one; see throwaway.py).

Prints statements per second overall, for the first and the last 10,000 statements (the store must
not slow down as it grows), the peak memory of the server processes, and, measured in the same run
with the same clients and bodies, the ceiling of the HTTP path alone (every request refused at
authentication) and the cost of validation per statement in-process.

    python bench/xapi_ingest.py [--statements 100000] [--batch 100] [--clients 6] [--workers 3] [--database NAME] [--keep]

Statements come from 2,000 students (学号 resolvable, so every statement also becomes a learning
activity fact) on one offering; 5% come from unknown actors and are kept unresolved.
"""

import argparse
import base64
import http.client
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import throwaway  # noqa: E402  (bench/ is on the path: this script's own directory)

DB_NAME = "zg_bench_xapi"  # --database
DB_URL = throwaway.url(DB_NAME)
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = ["experienced", "completed", "answered", "attempted", "commented", "passed"]


def setup_database(students: int):
    throwaway.create(DB_NAME)
    env = {**os.environ, "DATABASE_URL": DB_URL}
    subprocess.run([sys.executable, "-m", "zhengai", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")
    import django

    django.setup()
    from zhengai.datacenter.models import Student
    from zhengai.datacenter.testing import build_college
    from zhengai.intake.sources import do_add_source

    college = build_college()
    Student.objects.bulk_create([
        Student(student_no=f"B{i:06d}", name=f"学生{i}", gender="M", admin_class=college.class_cnc,
                specialty=college.cnc, cohort=2024)
        for i in range(students)
    ])
    _source, issued = do_add_source("bench_lms", "xapi", title="压测学习平台")
    return issued.key, issued.secret, college.off_cnc.code


def make_bodies(n_statements: int, batch: int, students: int, offering: str) -> list[bytes]:
    import orjson

    rng = random.Random(7)
    bodies = []
    for start in range(0, n_statements, batch):
        sts = []
        for _ in range(min(batch, n_statements - start)):
            number = f"B{rng.randrange(students):06d}" if rng.random() > 0.05 else f"X{rng.randrange(500):06d}"
            verb = rng.choice(VERBS)
            sts.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "actor": {"objectType": "Agent", "name": number, "account": {"homePage": "https://lms.example.edu", "name": number}},
                "verb": {"id": ADL + verb, "display": {"en-US": verb}},
                "object": {"objectType": "Activity", "id": f"https://lms.example.edu/activities/{rng.randrange(300)}",
                           "definition": {"name": {"zh-CN": "数控编程 微课"}, "type": "http://adlnet.gov/expapi/activities/lesson"}},
                "result": {"score": {"raw": rng.randrange(101), "min": 0, "max": 100}, "duration": f"PT{rng.randrange(1, 3600)}S",
                           "completion": True},
                "context": {"contextActivities": {"grouping": [{"id": f"https://lms.example.edu/offerings/{offering}"}]},
                            "platform": "云课堂"},
                "timestamp": f"2026-10-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00.000Z",
            })
        bodies.append(orjson.dumps(sts))
    return bodies


def post_all(port: int, bodies: list[bytes], clients: int, auth: str, expect: int):
    """Post every body once; returns (elapsed, completion times in order)."""
    work: queue.Queue = queue.Queue()
    for body in bodies:
        work.put(body)
    done: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}

    def client():
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                return
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("POST", "/xapi/statements", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            with lock:
                if response.status != expect:
                    errors.append(f"{response.status} {data[:200]!r}")
                done.append(time.perf_counter())

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, e.g. {errors[0]} (server log in /tmp/xapi_ingest_server_*.log)")
    return time.perf_counter() - start, start, sorted(done)


def rss_of_tree(pid: int) -> int:
    """Resident memory (bytes) of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def cpu_seconds(pids) -> float:
    """User + system CPU seconds used so far by these processes (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / tick


def server_pids(master: int) -> list[int]:
    try:
        return [master] + [int(c) for c in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return [master]


def backend_pids() -> list[int]:
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        return [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (DB_NAME,))]


def main():
    global DB_NAME, DB_URL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--port", type=int, default=18731)
    throwaway.add_options(parser, DB_NAME)
    args = parser.parse_args()
    DB_NAME, DB_URL = args.database, throwaway.url(args.database)
    throwaway.drop_at_exit(DB_NAME, keep=args.keep)

    print(f"setting up {DB_NAME} …", flush=True)
    key, secret, offering = setup_database(args.students)
    bodies = make_bodies(args.statements, args.batch, args.students, offering)

    # validation cost in-process (the server does exactly this per statement)
    import orjson

    from zhengai.xapi.validation import validate_statement

    sample = [st for body in bodies[:20] for st in orjson.loads(body)]
    t0 = time.perf_counter()
    for st in sample:
        validate_statement(st)
    validation_us = (time.perf_counter() - t0) / len(sample) * 1e6

    env = {**os.environ, "DATABASE_URL": DB_URL, "DATABASE_CONN_MAX_AGE": "600", "DEBUG": "false",
           "LOG_LEVEL": "ERROR"}
    # The server's log (a warning per refused request in the ceiling run) goes to a file.
    server_log = open(f"/tmp/xapi_ingest_server_{os.getpid()}.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "zhengai.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}",
         "--backlog", "256", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdout=server_log, stderr=subprocess.STDOUT,
    )
    peak = 0
    stop = threading.Event()

    def sample_memory():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss_of_tree(server.pid))
            time.sleep(0.2)

    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                conn.request("GET", "/xapi/about")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        good = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        bad = "Basic " + base64.b64encode(f"{key}:wrong".encode()).decode()

        # ceiling: the same bodies refused at authentication (HTTP, Django, one credential query)
        ceiling_n = min(len(bodies), 200)
        ceiling_time, _s, _d = post_all(args.port, bodies[:ceiling_n], args.clients, bad, 401)
        ceiling = ceiling_n * args.batch / ceiling_time

        # Warm every worker's database connection so the backends exist before counting their CPU.
        post_all(args.port, bodies[:0], args.clients, good, 200)
        workers, backends = server_pids(server.pid), backend_pids()
        cpu_before = cpu_seconds(workers), cpu_seconds(backends)
        elapsed, start, done = post_all(args.port, bodies, args.clients, good, 200)
        backends = sorted(set(backends) | set(backend_pids()))
        worker_cpu = cpu_seconds(workers) - cpu_before[0]
        db_cpu = cpu_seconds(backends) - cpu_before[1]
        load = os.getloadavg()[0]
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    from zhengai.datacenter.models import LearningActivity
    from zhengai.xapi.models import Statement
    from zhengai.xapi.quality import unresolved_actor_counts

    stored = Statement.objects.count()
    facts = LearningActivity.objects.count()
    per = 10_000 // args.batch
    first_rate = per * args.batch / (done[per - 1] - start)
    last_rate = per * args.batch / (done[-1] - done[-per - 1])
    overall = args.statements / elapsed
    print(f"statements stored: {stored:,}  learning facts: {facts:,}  unresolved actors: "
          f"{sum(unresolved_actor_counts().values()):,}")
    print(f"overall:          {overall:9,.0f} statements/s  ({args.statements:,} in {elapsed:.1f} s, "
          f"{args.clients} clients, {args.workers} gunicorn workers, batches of {args.batch})")
    print(f"first 10,000:     {first_rate:9,.0f} statements/s")
    print(f"last 10,000:      {last_rate:9,.0f} statements/s  (last/first = {last_rate / first_rate:.2f})")
    print(f"HTTP ceiling:     {ceiling:9,.0f} statements/s  (same bodies refused at authentication; "
          f"ingest reaches {overall / ceiling:.0%} of it)")
    print(f"validation:       {validation_us:9.1f} µs/statement in-process")
    print(f"peak server RSS:  {peak / 2**20:9.0f} MB  (gunicorn master + workers)")
    per = (worker_cpu + db_cpu) / args.statements
    print(f"CPU per 100 statements: {worker_cpu / args.statements * 1e5:.1f} ms gunicorn + "
          f"{db_cpu / args.statements * 1e5:.1f} ms PostgreSQL backends; two otherwise idle cores would "
          f"allow about {2 / per:,.0f} statements/s")
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} cores (other work on the machine "
          f"competes for the same cores)")
    assert stored == args.statements, "not every statement was stored"


if __name__ == "__main__":
    main()
