"""The ADL LRS conformance test suite (xAPI 1.0.3) against ``zhengai serve`` on a throwaway
PostgreSQL database (``--database``, default zg_bench_conformance: created for the run and dropped
after it, never an existing one; see throwaway.py), with an xAPI source's Basic credentials.

The suite is not part of the project: it is a public Node.js program (ADL's
lrs-conformance-test-suite), cloned into ``--suite`` (default /tmp/zhengai-lrs-conformance) and
``npm install``-ed there when that folder does not hold it yet — the one step that needs the
network, so this is not run by CI. Give ``--suite`` an existing checkout to run offline.

    python bench/xapi_conformance.py [--suite DIR] [--database NAME] [--port 18790] [--grep TEXT] [--keep]
    make xapi-conformance

Prints the suite's totals (passed of total) and the title of every failed test, with the path of
the suite's full JSON log; exits 1 when a test failed.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import throwaway  # noqa: E402  (bench/ is on the path: this script's own directory)

REPOSITORY = "https://github.com/adlnet/lrs-conformance-test-suite.git"
XAPI_VERSION = "1.0.3"


def ensure_suite(folder: Path, repository: str) -> None:
    if not (folder / "bin" / "console_runner.js").exists():
        print(f"cloning the conformance suite into {folder} …", flush=True)
        subprocess.run(["git", "clone", "--depth", "1", repository, str(folder)], check=True)
    if not (folder / "node_modules").is_dir():
        print("npm install (the suite's own dependencies, in its folder) …", flush=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)


def zhengai(env, *args, capture=False) -> str:
    done = subprocess.run([sys.executable, "-m", "zhengai", *args], cwd=ROOT, env=env, check=True,
                          capture_output=capture, text=True)
    return done.stdout if capture else ""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")
        time.sleep(0.5)


def failed_tests(node: dict, path=()) -> list[str]:
    """Titles (outermost first) of the failed leaves of the suite's JSON log."""
    if not node:
        return []
    children = [c for c in node.get("tests") or () if c]
    title = node.get("title", "")
    if not children:
        return [" > ".join(p for p in (*path, title) if p)] if node.get("status") == "failed" else []
    return [t for c in children for t in failed_tests(c, (*path, title))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", type=Path, default=Path(tempfile.gettempdir()) / "zhengai-lrs-conformance")
    parser.add_argument("--repository", default=REPOSITORY, help="where to clone the suite from when --suite lacks it")
    parser.add_argument("--port", type=int, default=18790)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--grep", help="only the suite's tests matching this (its -g option)")
    throwaway.add_options(parser, "zg_bench_conformance")
    args = parser.parse_args()

    ensure_suite(args.suite, args.repository)
    throwaway.create(args.database)
    throwaway.drop_at_exit(args.database, keep=args.keep)
    data_dir = tempfile.mkdtemp(prefix="zhengai-conformance-")
    env = {**os.environ, "DATABASE_URL": throwaway.url(args.database), "ZHENGAI_DATA_DIR": data_dir,
           "PYTHONPATH": str(ROOT)}
    zhengai(env, "migrate", "-v", "0")
    issued = json.loads(zhengai(env, "sources", "add", "conformance", "--kind", "xapi", "--title", "ADL 一致性测试",
                                "--json", capture=True))
    server = subprocess.Popen([sys.executable, "-m", "zhengai", "serve", "--port", str(args.port), "--no-scheduler",
                               "--workers", str(args.workers)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{args.port}/xapi"
        wait_for(endpoint + "/about")
        command = ["node", "bin/console_runner.js", "-e", endpoint, "-a", "-u", issued["key"], "-p", issued["secret"],
                   "-x", XAPI_VERSION, "-z"]
        if args.grep:
            command += ["-g", args.grep]
        print(f"running the suite against {endpoint} (xAPI {XAPI_VERSION}) …", flush=True)
        started = time.monotonic()
        run = subprocess.run(command, cwd=args.suite, capture_output=True, text=True)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    summaries = [line for line in run.stdout.splitlines() if line.startswith('{"total"')]
    log_path = re.search(r"Full run log written to (\S+)", run.stdout)
    if not summaries or log_path is None:
        sys.stdout.write(run.stdout[-3000:] + run.stderr[-3000:])
        raise SystemExit("the suite did not finish (no summary)")
    summary = json.loads(summaries[-1])
    failures = failed_tests(json.loads(Path(log_path.group(1)).read_text()).get("log") or {})
    print(f"conformance (xAPI {summary.get('version', XAPI_VERSION)}): {summary['passed']:,} passed of "
          f"{summary['total']:,}, {summary['failed']:,} failed  ({elapsed:.0f} s; suite commit "
          f"{_commit(args.suite)})")
    for title in failures:
        print(f"  FAILED {title}")
    print(f"full log: {log_path.group(1)}")
    raise SystemExit(1 if summary["failed"] else 0)


def _commit(folder: Path) -> str:
    done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    main()
