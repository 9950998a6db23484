"""HTTPS to a node dialled by address but known by name: the Fabric CA client and the library client share it."""

from __future__ import annotations

import http.client
import socket
import ssl

__all__ = ["NamedHTTPSConnection"]


class NamedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS that verifies the certificate against ``server_name``, not the dialled host.

    Profiles dial ``127.0.0.1`` while the node's certificate names, e.g., ``ca.jp.ipledger.test``; this is
    the HTTPS analogue of gRPC's ssl_target_name_override.
    """

    def __init__(self, host: str, port: int | None, *, ssl_context: ssl.SSLContext,
                 server_name: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl_context)
        self._ssl_context = ssl_context
        self._server_name = server_name

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._ssl_context.wrap_socket(sock, server_hostname=self._server_name)
