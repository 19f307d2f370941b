"""
The reliability suite: the archive served by gunicorn with its production settings on a
temporary SQLite file, and tried as an operator and an attacker would, only on 127.0.0.1 and
always bounded in requests and time.

The parts (each a module with a `run_…` function that returns its figures, and a test module
that checks them):

1. `hostile`: hostile requests against the public site and the admin;
2. `editing`: editors saving concurrently while the public pages are read;
3. `load`: many connections on a mix of public pages;
4. `faults`: a worker killed, the database unreadable, the disk full, a backup during writes;
5. `login`: the login lockout, and the public pages' throughput during a guessing flood.

`pytest -m reliability` runs them with short durations (CI); `python -m
tests.reliability.report --long` runs them longer and writes docs/reliability.md.
"""
