"""``python -m ipledger.cli`` runs the ``ipledger`` command."""

from .main import main

main()
