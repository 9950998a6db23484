# generated from client/ipledger/gateway/_async/__init__.py by scripts/unasync.py - do not edit; run ./scripts/generate
"""The blocking classes of the gateway, generated from ``_async`` by ``./scripts/generate``."""
