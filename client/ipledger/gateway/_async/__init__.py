# unasync: async-only
"""The asyncio classes of the gateway: the one source of their blocking twins in ``_sync``."""
# unasync: end
# unasync: sync-only
# """The blocking classes of the gateway, generated from ``_async`` by ``./scripts/generate``."""
# unasync: end
