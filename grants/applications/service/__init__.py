"""Applications: the only writer of their rows, and the owner of their transitions (see states.py).

Each transition locks the application (a new draft: its call), checks the state and the clock, and writes
in one write transaction, with an audit row for each change of status.
"""
