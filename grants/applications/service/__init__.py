"""Applications: the only writer of their rows, and the owner of their transitions (see states.py).

Each write locks the application, writes and audits in one transaction.
"""
