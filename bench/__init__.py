"""`make bench`: benchmarks of the Grants app, never timed tests.

Every number is quoted as a ratio against a baseline measured in the same run
on the same machine, because absolute numbers only describe one machine.

Layout:

- `__main__.py`  runs the benchmarks listed in BENCHMARKS on each database,
  prints the tables and writes bench/RESULTS.md (a run replaces the sections it
  measures and keeps the others, each dated);
- `databases.py` a fresh, migrated database with the demo data, per engine;
- `servers.py`   uvicorn servers as child processes that always get stopped;
- `wrk.py`       the load generator when Debian's wrk is installed;
- `load.py`      the asyncio httpx load generator otherwise (BENCH_LOAD=httpx);
- `bare.py`      the baseline: a bare Litestar app served the same way;
- `profile.py`   py-spy samples of a server under load, summed by kind of code;
- `http_throughput.py` (a) HTTP throughput and latency of the calls page and API;
- `ranking.py`   (b) the ranking of 10,000 applications, in a child process of
  its own (`ranking_child.py`) that loads the data in bulk (`ranking_data.py`)
  and checks every result (`ranking_check.py`);
- `export.py`    (c) the CSV export of 100,000 event reports, each measurement in
  a child process (`export_child.py`) on data from `export_data.py`;
- `upload_memory.py` (d) the server's peak memory growth during a 25 MB upload;
- `submissions.py` (e) 200 organisations submitting at once: errors, lost ones;
- `logins.py`    (f) 20 parallel logins with the real password hash beside GET
  /api/calls: its p50/p99 with and without them, PASS or FAIL (p99 < 100 ms; a
  FAIL makes `python -m bench` and `python -m bench.logins` exit non-zero);
- `api.py`       the applicant's side of the JSON API, for (d) and (e);
- `machine.py`   what the numbers were measured on;
- `cpu.py`       CPU time of a process, of PostgreSQL, of the machine;
- `report.py`    the Section a benchmark returns, as a rich table and Markdown.

Adding a benchmark: a module in bench/ with TITLE and
`run(db: Database, console: Console) -> Section`, listed in BENCHMARKS in
`__main__.py`. It measures its own baseline in the same run and reports ratios.
"""
