"""``python -m ipledger.cli.network ...`` runs the operator commands without the installed console script."""

from ipledger.cli.network import main

main()
