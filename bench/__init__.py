"""`make bench`: benchmarks of the Grants app, never timed tests.

Every number is quoted as a ratio against a baseline measured in the same run
on the same machine, because absolute numbers only describe one machine.

Layout:

- `__main__.py`  runs the benchmarks listed in BENCHMARKS on each database,
  prints the tables and writes bench/RESULTS.md (a run replaces the sections it
  measures and keeps the others, each dated);
- `databases.py` a fresh, migrated database with the demo data, per engine;
- `servers.py`   uvicorn servers as child processes that always get stopped;
- `load.py`      the asyncio httpx load generator;
- `bare.py`      the baseline: a bare Litestar app served the same way;
- `http_throughput.py` (a) HTTP throughput and latency of the public pages;
- `ranking.py`   (b) the ranking of 10,000 applications, in a child process of
  its own that loads the data in bulk and checks every result;
- `machine.py`   what the numbers were measured on;
- `cpu.py`       CPU time of a process, of PostgreSQL, of the machine;
- `report.py`    the Section a benchmark returns, as a rich table and Markdown.

Adding a benchmark: a module in bench/ with TITLE and
`run(db: Database, console: Console) -> Section`, listed in BENCHMARKS in
`__main__.py`. It measures its own baseline in the same run and reports ratios.
"""
