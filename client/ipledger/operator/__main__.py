"""``python -m ipledger.operator ...``: the same as ``python -m ipledger.cli.network ...`` (kept for old scripts).

The commands are click code and live in :mod:`ipledger.cli.network`; this entry module is never imported.
"""

from ipledger.cli.network import main

main()
