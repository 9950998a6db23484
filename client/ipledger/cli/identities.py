"""``ipledger identities``: enrol identities with the office's Fabric CA and list the wallet."""

from __future__ import annotations

import click

from ipledger.credentials.ca import CACredentials
from ipledger.errors import ConfigurationError
from ipledger.credentials.wallet import WalletEntry

from .options import json_option
from .output import render_table
from .params import TextType
from .session import Session, pass_session

__all__ = ["identities"]

#: Wallet label under which a stored CA registrar identity is looked for first.
REGISTRAR_LABEL = "registrar"


def _registrar(session: Session) -> CACredentials | WalletEntry:
    """The identity that registers new users: the wallet's ``registrar``, else the profile's CA registrar."""
    wallet = session.wallet()
    stored = wallet.get(REGISTRAR_LABEL)
    if stored is not None:
        return stored
    ca = session.profile().ca
    if ca is None or ca.registrar is None:
        raise ConfigurationError(
            f"no registrar: profile {session.profile().path} names no CA registrar and the wallet has no "
            f"'{REGISTRAR_LABEL}' identity")
    # Enrolled just for this request and not kept: the registrar's key should not linger on disk.
    enrollment = session.ca_client().enroll(ca.registrar.enroll_id, ca.registrar.enroll_secret)
    return CACredentials(enrollment.certificate, enrollment.wallet_entry(session.profile().msp_id).signer())


@click.group()
def identities() -> None:
    """Identities of the acting office: enrol with its CA, register users, list the wallet.

    Enrolled identities are stored in the office's file wallet and can then
    be used with --user LABEL.

    \b
    Example:
      ipledger --office JP identities register examiner7
      ipledger --office JP identities enroll examiner7 --secret <SECRET>
      ipledger --office JP --user examiner7 filings list
    """


@identities.command("enroll")
@click.argument("enrollment_id", type=TextType(1, 64))
@click.option("--secret", default=None, help="Enrollment secret; prompted for (hidden) when not given.")
@click.option("--label", type=TextType(1, 64), default=None, help="Wallet label (default: the enrollment id).")
@json_option
@pass_session
def enroll(session: Session, enrollment_id: str, secret: str | None, label: str | None) -> None:
    """Enrol a registered identity with the office's CA and store it in the wallet.

    \b
    Example:
      ipledger --office JP identities enroll examiner7 --secret s3cr3t --label examiner7
    """
    if secret is None:
        secret = click.prompt("Enrollment secret", hide_input=True)
    assert secret is not None
    profile = session.profile()
    wallet = session.wallet()
    with session.busy(f"enrolling {enrollment_id} with {profile.ca.name if profile.ca else 'the CA'}"):
        enrollment = session.ca_client().enroll(enrollment_id, secret)
    stored_as = label or enrollment_id
    enrollment.store(wallet, stored_as, profile.msp_id)
    result = {"label": stored_as, "mspId": profile.msp_id, "wallet": str(wallet.directory)}
    session.emit(result, lambda: render_record_dict(result))


def render_record_dict(values: dict[str, str]) -> str:
    width = max(len(key) for key in values)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in values.items())


@identities.command("register")
@click.argument("enrollment_id", type=TextType(1, 64))
@click.option("--secret", default=None, help="Secret to set (default: the CA generates one).")
@click.option("--type", "identity_type", type=click.Choice(["client", "admin", "peer", "orderer"]),
              default="client", show_default=True, help="Fabric identity type (NodeOU role).")
@click.option("--affiliation", default="", help="CA affiliation (default: the registrar's).")
@click.option("--max-enrollments", type=click.IntRange(min=-1), default=None,
              help="How often it may enrol (-1 unlimited; default: the CA's setting).")
@json_option
@pass_session
def register(session: Session, enrollment_id: str, secret: str | None, identity_type: str, affiliation: str,
             max_enrollments: int | None) -> None:
    """Register a new identity with the office's CA; prints its enrollment secret.

    Uses the wallet identity labelled 'registrar' if there is one, else the
    CA registrar named in the connection profile.

    \b
    Example:
      ipledger --office JP identities register examiner7
      ipledger --office JP identities register robot1 --type client --max-enrollments 1
    """
    with session.busy(f"registering {enrollment_id}"):
        registrar = _registrar(session)
        issued = session.ca_client().register(registrar, enrollment_id, secret=secret, type=identity_type,
                                              affiliation=affiliation, max_enrollments=max_enrollments)
    result = {"enrollmentId": enrollment_id, "type": identity_type, "secret": issued}
    session.emit(result, lambda: render_record_dict(result))


@identities.command("list")
@json_option
@pass_session
def list_identities(session: Session) -> None:
    """List the identities usable with --user: profile users and wallet labels.

    \b
    Example:
      ipledger --office JP identities list
    """
    profile = session.profile()
    wallet = profile.wallet()
    rows: list[dict[str, str]] = [
        {"label": label, "source": "profile", "mspId": profile.msp_id, "certificate": str(credentials.cert_path)}
        for label, credentials in sorted(profile.users.items())
    ]
    if wallet is not None:
        for label in wallet.list():
            entry = wallet.get(label)
            rows.append({"label": label, "source": "wallet", "mspId": entry.msp_id if entry else "",
                         "certificate": str(wallet.directory / f"{label}.id")})
    session.emit(rows, lambda: render_table(["label", "source", "msp", "certificate"],
                                            [[row["label"], row["source"], row["mspId"], row["certificate"]]
                                             for row in rows]))
