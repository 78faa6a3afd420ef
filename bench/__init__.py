"""Benchmarks of Nghe Dân against the floor of its own stack (issue #7).

`make bench` runs them at full size; `python -m bench --small` is the quick run the test suite
makes, which checks the invariants (no loss, no duplicate, every case stored) and no timing.
"""
