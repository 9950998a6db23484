"""``ipledger offices``: member offices, their settings and membership governance."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click
import yaml

from ipledger.domain.enums import FoundingStatus, IpRight, MembershipAction, ProposalStatus, Weekday
from ipledger.domain.founding import registry_hash
from ipledger.domain.models import (
    FoundingProposal,
    MembershipProposal,
    NumberPatterns,
    OfficeDefinition,
    OfficeSettings,
    RecordFormatError,
    RestorationRule,
    Roles,
)

from .options import emit_listing, json_option, listing_options
from .output import render_record, rows_table
from .params import (
    IP_RIGHTS,
    ISO_DATE,
    OFFICE_CODE,
    PROPOSAL_ID,
    RESTORATION_RULE,
    SHA256,
    EnumList,
    EnumType,
    InvalidInput,
    NumberPattern,
    TextType,
)
from .session import Session, pass_session
from .views import FOUNDING_COLUMNS, OFFICE_COLUMNS, PROPOSAL_COLUMNS, REGISTRY_COLUMNS

__all__ = ["offices"]


def _read_document(path: Path, param_hint: str) -> Any:
    """A JSON or YAML file (YAML is a superset of JSON, but JSON errors read better)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}", param_hint=param_hint) from None
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise InvalidInput(f"{path} is not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {error}",
                           param_hint=param_hint) from None


@click.group()
def offices() -> None:
    """Member offices, their settings and membership governance.

    \b
    Example:
      ipledger --office JP offices list
      ipledger --office JP offices show US
    """


@offices.command("list")
@json_option
@listing_options
@pass_session
def list_offices(session: Session) -> None:
    """List the offices of the consortium with their roles.

    \b
    Example:
      ipledger --office JP offices list
      ipledger --office JP offices list --json
    """
    ledger = session.ledger()
    emit_listing(session, OFFICE_COLUMNS,
                 lambda bookmark, size: ledger.list_offices(page_size=size, bookmark=bookmark),
                 lambda size: ledger.iter_offices(page_size=size))


@offices.command("show")
@click.argument("office_code", type=OFFICE_CODE, required=False)
@json_option
@pass_session
def show_office(session: Session, office_code: str | None) -> None:
    """Show an office (default: the acting office) with its settings.

    \b
    Example:
      ipledger --office JP offices show
      ipledger --office JP offices show EP --json
    """
    with session.busy("querying the ledger"):
        office = session.ledger().get_office(office_code) if office_code else session.ledger().get_caller_office()
    session.emit(office, lambda: render_record(office))


def _read_registry(file: Path, param_hint: str) -> list[OfficeDefinition]:
    document = _read_document(file, param_hint)
    if not isinstance(document, list) or not document:
        raise InvalidInput("expected a non-empty list of offices", param_hint=param_hint)
    try:
        return [OfficeDefinition.from_json(item) for item in document]
    except RecordFormatError as error:
        raise InvalidInput(str(error), param_hint=param_hint) from None


def _render_founding(proposal: FoundingProposal) -> str:
    return render_record(proposal) + "\n\nregistry:\n" + rows_table(REGISTRY_COLUMNS, proposal.registry)


@offices.command("init")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@pass_session
def init_consortium(session: Session, file: Path) -> None:
    """Propose the founding registry (on a freshly deployed chaincode).

    FILE is a JSON or YAML list of offices in the chaincode's format:
    officeCode, mspId, name, roles {depositing, accessing}, and optionally
    calendar, applicationNumberPatterns and restorationPolicy. Nothing is
    registered until an administrator of every listed office confirmed the
    registry hash (offices founding confirm).

    \b
    Example:
      ipledger --office JP --user Admin offices init offices.json
    """
    definitions = _read_registry(file, "FILE")
    with session.busy("submitting InitConsortium"):
        proposal = session.ledger().init_consortium(definitions)
    session.emit(proposal, lambda: _render_founding(proposal))
    if not session.json_output and proposal.status is FoundingStatus.OPEN:
        session.note(f"each listed office confirms with: offices founding confirm --file {file}")


# -- founding ------------------------------------------------------------------------------


@offices.group("founding")
def founding() -> None:
    """Founding proposals: the first registry, confirmed by every office in it.

    \b
    Example:
      ipledger offices founding hash offices.json
      ipledger --office US --user Admin offices founding confirm --file offices.json
    """


@founding.command("hash")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_session
def founding_hash(session: Session, file: Path) -> None:
    """Print the registry hash of a registry file, computed locally as the chaincode does.

    It is the hash of the registry as `offices init` sends it (optional parts
    given as null are left out), so proposer and confirmers agree on it.

    \b
    Example:
      ipledger offices founding hash offices.json
    """
    click.echo(registry_hash(_read_registry(file, "FILE")))


@founding.command("confirm")
@click.argument("registry_hash_arg", metavar="[REGISTRY_HASH]", type=SHA256, required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Confirm the registry in this file (its hash is computed locally) instead of a given hash.")
@json_option
@pass_session
def founding_confirm(session: Session, registry_hash_arg: str | None, file: Path | None) -> None:
    """Confirm a founding registry as an administrator of one of its offices.

    Confirm the registry you agreed to: pass its file (best), or the hash
    you computed from it, never a hash read from the ledger. The last
    office's confirmation founds the registry.

    \b
    Example:
      ipledger --office US --user Admin offices founding confirm --file offices.json
    """
    if (registry_hash_arg is None) == (file is None):
        raise InvalidInput("give either REGISTRY_HASH or --file", param_hint="'--file'")
    digest = registry_hash(_read_registry(file, "'--file'")) if file is not None else str(registry_hash_arg)
    with session.busy("submitting ConfirmFounding"):
        proposal = session.ledger().confirm_founding(digest)
    session.emit(proposal, lambda: _render_founding(proposal))
    if not session.json_output and proposal.status is FoundingStatus.ACTIVE:
        session.note("the registry is founded: " + ", ".join(proposal.office_codes))


@founding.command("show")
@click.argument("registry_hash_arg", metavar="REGISTRY_HASH", type=SHA256)
@json_option
@pass_session
def founding_show(session: Session, registry_hash_arg: str) -> None:
    """Show a founding proposal: its registry and who confirmed it.

    \b
    Example:
      ipledger --office JP offices founding show 7541b4bfa38dcfee00faece1d63044117f088b152fd6bbcfd82937348eedd0f8
    """
    with session.busy("querying the ledger"):
        proposal = session.ledger().get_founding_proposal(registry_hash_arg)
    session.emit(proposal, lambda: _render_founding(proposal))


@founding.command("list")
@click.option("--status", type=EnumType(FoundingStatus), default=None, help="Only proposals in this status.")
@json_option
@listing_options
@pass_session
def founding_list(session: Session, status: FoundingStatus | None) -> None:
    """List founding proposals (ACTIVE: the founded registry).

    \b
    Example:
      ipledger --office JP offices founding list --status ACTIVE
    """
    ledger = session.ledger()
    emit_listing(session, FOUNDING_COLUMNS,
                 lambda bookmark, size: ledger.list_founding_proposals(status=status, page_size=size,
                                                                       bookmark=bookmark),
                 lambda size: ledger.iter_founding_proposals(status=status, page_size=size))


# -- settings ------------------------------------------------------------------------------


@offices.group("settings")
def settings() -> None:
    """Show or change the acting office's own settings.

    Settings are the office's filing calendar (closed weekdays and dates,
    which extend priority periods), its application-number patterns per IP
    right, and its restoration policy per IP right.

    \b
    Example:
      ipledger --office JP offices settings show
      ipledger --office JP --user Admin offices settings update --closed-date 2025-01-02
    """


@settings.command("show")
@click.argument("office_code", type=OFFICE_CODE, required=False)
@json_option
@pass_session
def show_settings(session: Session, office_code: str | None) -> None:
    """Show an office's settings (default: the acting office).

    \b
    Example:
      ipledger --office JP offices settings show
      ipledger --office JP offices settings show US --json
    """
    with session.busy("querying the ledger"):
        office = session.ledger().get_office(office_code) if office_code else session.ledger().get_caller_office()
    session.emit(office.settings, lambda: render_record(office.settings))


def _merge_patterns(current: tuple[NumberPatterns, ...], added: tuple[tuple[IpRight, str], ...],
                    cleared: tuple[IpRight, ...]) -> tuple[NumberPatterns, ...]:
    by_right = {entry.ip_right: entry.patterns for entry in current}
    for ip_right in cleared:
        by_right.pop(ip_right, None)
    replaced: dict[IpRight, list[str]] = {}
    for ip_right, pattern in added:  # patterns given for a right replace that right's list
        replaced.setdefault(ip_right, []).append(pattern)
    by_right.update({ip_right: tuple(patterns) for ip_right, patterns in replaced.items()})
    return tuple(NumberPatterns(ip_right, by_right[ip_right]) for ip_right in IpRight if ip_right in by_right)


def _merge_policy(current: tuple[RestorationRule, ...],
                  rules: tuple[RestorationRule, ...]) -> tuple[RestorationRule, ...]:
    by_right = {rule.ip_right: rule for rule in current}
    by_right.update({rule.ip_right: rule for rule in rules})
    return tuple(by_right[ip_right] for ip_right in IpRight if ip_right in by_right)


@settings.command("update")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Start from these settings (JSON/YAML: calendar, applicationNumberPatterns, "
                   "restorationPolicy) instead of the current ones.")
@click.option("--closed-weekdays", type=EnumList(Weekday), default=None, metavar="DAYS",
              help="Replace the closed weekdays, e.g. SATURDAY,SUNDAY ('none' for none).")
@click.option("--closed-date", "closed_dates", type=ISO_DATE, multiple=True,
              help="Replace the closure dates with these (repeatable).")
@click.option("--add-closed-date", "added_dates", type=ISO_DATE, multiple=True,
              help="Add a closure date to the current ones (repeatable).")
@click.option("--clear-closed-dates", is_flag=True, help="Remove every closure date.")
@click.option("--pattern", "patterns", type=NumberPattern(), multiple=True,
              help="IP_RIGHT=REGEX (RE2); the patterns given for an IP right replace its list (repeatable).")
@click.option("--clear-patterns", "cleared", type=EnumType(IpRight), multiple=True,
              help="Remove the number patterns of this IP right (repeatable).")
@click.option("--restoration", "restorations", type=RESTORATION_RULE, multiple=True,
              help="Restoration policy of an IP right: criteria DUE_CARE,UNINTENTIONAL or 'none' (repeatable).")
@json_option
@pass_session
def update_settings(session: Session, file: Path | None, closed_weekdays: tuple[Weekday, ...] | None,
                    closed_dates: tuple[date, ...], added_dates: tuple[date, ...], clear_closed_dates: bool,
                    patterns: tuple[tuple[IpRight, str], ...], cleared: tuple[IpRight, ...],
                    restorations: tuple[RestorationRule, ...]) -> None:
    """Change the acting office's settings; what is not mentioned stays as it is.

    The chaincode replaces all settings at once, so this reads the current
    settings (or --file), applies the options and submits the result.

    \b
    Example:
      ipledger --office JP --user Admin offices settings update \\
          --closed-weekdays SATURDAY,SUNDAY --add-closed-date 2025-12-29 \\
          --pattern 'PATENT=^(?:JP ?)?(?P<num>(?:19|20)\\d{2}-?\\d{6})$' \\
          --restoration TRADEMARK=none
    """
    if closed_dates and clear_closed_dates:
        raise InvalidInput("give either --closed-date or --clear-closed-dates", param_hint="'--closed-date'")
    if file is None and closed_weekdays is None and not (closed_dates or added_dates or clear_closed_dates
                                                         or patterns or cleared or restorations):
        raise InvalidInput("nothing to change: give --file or at least one setting option", param_hint="'--file'")
    base: OfficeSettings | None = None
    if file is not None:
        try:
            base = OfficeSettings.from_json(_read_document(file, "'--file'"))
        except RecordFormatError as error:
            raise InvalidInput(str(error), param_hint="'--file'") from None
    ledger = session.ledger()
    with session.busy("submitting UpdateOfficeSettings"):
        current = base or ledger.get_caller_office().settings
        calendar = current.calendar
        if closed_weekdays is not None:
            calendar = replace(calendar, closed_weekdays=closed_weekdays)
        if clear_closed_dates or closed_dates:
            calendar = replace(calendar, closed_dates=tuple(sorted(set(closed_dates))))
        if added_dates:
            calendar = replace(calendar, closed_dates=tuple(sorted(set(calendar.closed_dates) | set(added_dates))))
        updated = OfficeSettings(
            calendar=calendar,
            application_number_patterns=_merge_patterns(current.application_number_patterns, patterns, cleared),
            restoration_policy=_merge_policy(current.restoration_policy, restorations),
        )
        office = ledger.update_office_settings(updated)
    session.emit(office, lambda: render_record(office))


# -- membership governance --------------------------------------------------------------------


@offices.group("membership")
def membership() -> None:
    """Propose, approve and follow membership changes (majority of ACTIVE offices).

    \b
    Example:
      ipledger --office JP --user Admin offices membership propose ADD_OFFICE CN \\
          --msp-id CNMSP --name CNIPA --depositing PATENT --accessing PATENT
      ipledger --office EP --user Admin offices membership approve <PROPOSAL_ID>
    """


@membership.command("propose")
@click.argument("action", type=EnumType(MembershipAction))
@click.argument("office_code", type=OFFICE_CODE)
@click.option("--msp-id", help="MSP ID of the new office (ADD_OFFICE).")
@click.option("--name", type=TextType(1, 200), help="Name of the new office (ADD_OFFICE).")
@click.option("--depositing", type=IP_RIGHTS, default=None,
              help="IP rights the office deposits first filings for (ADD_OFFICE, CHANGE_ROLES).")
@click.option("--accessing", type=IP_RIGHTS, default=None,
              help="IP rights the office retrieves documents for (ADD_OFFICE, CHANGE_ROLES).")
@click.option("--reason", type=TextType(0, 500), default="", help="Why (at most 500 characters).")
@json_option
@pass_session
def propose(session: Session, action: MembershipAction, office_code: str, msp_id: str | None, name: str | None,
            depositing: tuple[IpRight, ...] | None, accessing: tuple[IpRight, ...] | None, reason: str) -> None:
    """Propose a membership change; the proposer's approval counts at once.

    ACTION is ADD_OFFICE, SUSPEND_OFFICE, REACTIVATE_OFFICE or CHANGE_ROLES.

    \b
    Example:
      ipledger --office JP --user Admin offices membership propose SUSPEND_OFFICE KR --reason "maintenance"
    """
    roles = None
    if action in (MembershipAction.ADD_OFFICE, MembershipAction.CHANGE_ROLES):
        if depositing is None and accessing is None:
            raise InvalidInput(f"{action.value} needs --depositing and/or --accessing", param_hint="'--depositing'")
        roles = Roles(depositing or (), accessing or ())
    elif depositing is not None or accessing is not None:
        raise InvalidInput(f"{action.value} takes no roles", param_hint="'--depositing'")
    if action is MembershipAction.ADD_OFFICE and not (msp_id and name):
        raise InvalidInput("ADD_OFFICE needs --msp-id and --name", param_hint="'--msp-id'")
    if action is not MembershipAction.ADD_OFFICE and (msp_id or name):
        raise InvalidInput(f"{action.value} takes no --msp-id or --name", param_hint="'--msp-id'")
    with session.busy("submitting ProposeMembershipChange"):
        proposal = session.ledger().propose_membership_change(action, office_code, msp_id=msp_id, name=name,
                                                              roles=roles, reason=reason)
    _emit_proposal(session, proposal)


def _emit_proposal(session: Session, proposal: MembershipProposal) -> None:
    session.emit(proposal, lambda: render_record(proposal))
    if not session.json_output and proposal.status is ProposalStatus.APPLIED:
        session.note(f"the change was applied: {proposal.action.value} {proposal.office_code}")


@membership.command("approve")
@click.argument("proposal_id", type=PROPOSAL_ID)
@json_option
@pass_session
def approve(session: Session, proposal_id: str) -> None:
    """Approve an open proposal (applied once a majority of ACTIVE offices approved).

    \b
    Example:
      ipledger --office EP --user Admin offices membership approve 20250317T091244Z_9f3c0a...
    """
    with session.busy("submitting ApproveMembershipChange"):
        proposal = session.ledger().approve_membership_change(proposal_id)
    _emit_proposal(session, proposal)


@membership.command("withdraw")
@click.argument("proposal_id", type=PROPOSAL_ID)
@json_option
@pass_session
def withdraw(session: Session, proposal_id: str) -> None:
    """Withdraw one of the acting office's open proposals, or close any expired one.

    \b
    Example:
      ipledger --office JP --user Admin offices membership withdraw 20250317T091244Z_9f3c0a...
    """
    with session.busy("submitting WithdrawMembershipProposal"):
        proposal = session.ledger().withdraw_membership_proposal(proposal_id)
    _emit_proposal(session, proposal)


@membership.command("show")
@click.argument("proposal_id", type=PROPOSAL_ID)
@json_option
@pass_session
def show_proposal(session: Session, proposal_id: str) -> None:
    """Show a membership proposal.

    \b
    Example:
      ipledger --office JP offices membership show 20250317T091244Z_9f3c0a...
    """
    with session.busy("querying the ledger"):
        proposal = session.ledger().get_membership_proposal(proposal_id)
    session.emit(proposal, lambda: render_record(proposal))


@membership.command("list")
@click.option("--status", type=EnumType(ProposalStatus), default=None, help="Only proposals in this status.")
@json_option
@listing_options
@pass_session
def list_proposals(session: Session, status: ProposalStatus | None) -> None:
    """List membership proposals.

    \b
    Example:
      ipledger --office JP offices membership list --status OPEN
    """
    ledger = session.ledger()
    emit_listing(session, PROPOSAL_COLUMNS,
                 lambda bookmark, size: ledger.list_membership_proposals(status=status, page_size=size,
                                                                         bookmark=bookmark),
                 lambda size: ledger.iter_membership_proposals(status=status, page_size=size))
