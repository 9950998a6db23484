"""Knowing what ipledger ships: vulnerability checks, software bills of materials, the Python lock, the wheel.

Each module has one job: :mod:`.pins` (tool and database versions), :mod:`.tools` (builds govulncheck and the
vulnerability database into the cache), :mod:`.govuln` (runs and reads govulncheck), :mod:`.allowlist` (the
reviewed exceptions), :mod:`.sbom` (CycloneDX from ``go version -m`` and the lock), :mod:`.pylock` (the hashed
Python lock), :mod:`.pyaudit` (pip-audit where its service answers), :mod:`.wheel` (sdist/wheel check) and
:mod:`.versions` (what the running containers were built from). ``python -m ipledger.operator.supply`` runs them.
"""
