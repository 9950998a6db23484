"""`python -m ipledger.operator ...` runs the operator commands without the installed console script."""

from ipledger.operator.commands import main

main()
