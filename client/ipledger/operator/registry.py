"""After deployment the founding offices found the chaincode's office registry from the definition, and
``up`` checks that the ledger's registry is the definition's (CONTRACT.md §3.1).

Founding needs every office: the first office proposes the registry (``InitConsortium``), then each office's
administrator (``Admin@<domain>``, through its own gateway) confirms the registry hash it computes itself from the
definition - never a hash read from the ledger - and the last confirmation founds it.  Whatever happened before
(a proposal by someone else, a registry founded from other content), ``up`` then compares the ledger with the
definition and fails naming each difference, instead of taking an existing registry on trust.

This goes through ipledger's own domain API and Gateway client, so a fresh network proves the client path works.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ipledger.consortium.plan import ConsortiumPlan, OfficePlan
from ipledger.domain.enums import FoundingStatus, IpRight
from ipledger.domain.errors import AlreadyExistsError, NotFoundError, UnknownOfficeError
from ipledger.domain.founding import registry_document, registry_hash
from ipledger.domain.models import FoundingProposal, Office, OfficeDefinition, Roles
from ipledger.credentials import CAClient, ConnectionProfile
from ipledger.gateway.errors import CommitError, GatewayError
from ipledger.operator.deadline import Deadline
from ipledger.operator.errors import OperatorError

T = TypeVar("T")

#: What the definition fixes about a registered office for as long as the consortium runs.  Roles and status
#: are founded from the definition too (compared in the founded registry) but governed on the ledger afterwards
#: (CHANGE_ROLES, SUSPEND_OFFICE), so a membership change does not make ``up`` fail.
IDENTITY_FIELDS = ("mspId", "name")


def office_definition(office: OfficePlan) -> OfficeDefinition:
    """Every office deposits and accesses every IP right until it narrows its roles by a membership change."""
    every_right = tuple(IpRight)
    return OfficeDefinition(office.code, office.msp_id, office.spec.name, Roles(every_right, every_right))


def founding_offices(plan: ConsortiumPlan) -> list[OfficeDefinition]:
    return [office_definition(o) for o in plan.founding]


def offices_document(plan: ConsortiumPlan) -> list[dict[str, Any]]:
    """The founding registry as ``InitConsortium`` sends it (the ``officesJSON`` argument)."""
    return registry_document(founding_offices(plan))


def definition_hash(plan: ConsortiumPlan) -> str:
    """The registry hash of the definition, computed here, as each office's operator would from its own copy."""
    return registry_hash(founding_offices(plan))


REGISTRAR_LABEL = "registrar"


def enroll_registrars(plan: ConsortiumPlan, secrets: dict[str, str]) -> list[str]:
    """Enroll each office CA's bootstrap registrar into that office's wallet (label ``registrar``), once.

    The secret stays in the office's own directory; staff profiles never carry it.
    """
    enrolled = []
    for office in plan.offices:
        profile = ConnectionProfile.load(plan.profiles_dir / f"{office.code}.json")
        wallet = profile.wallet()
        if profile.ca is None or wallet is None or REGISTRAR_LABEL in wallet.list():
            continue
        CAClient.from_profile(profile.ca).enroll("admin", secrets[office.code]).store(
            wallet, REGISTRAR_LABEL, office.msp_id)
        enrolled.append(office.code)
    return enrolled


# -- comparing registries -------------------------------------------------------------------------------------


def _comparable(field_name: str, value: Any) -> Any:
    # Roles are sets of IP rights: the chaincode stores them in its canonical order, whatever order was proposed.
    if field_name == "roles" and isinstance(value, Mapping):
        return {part: sorted(rights) if isinstance(rights, list) else rights for part, rights in value.items()}
    return value


def _shown(value: Any) -> str:
    return "absent" if value is _ABSENT else repr(value)


_ABSENT = object()


def registry_differences(definition: Sequence[Mapping[str, Any]], ledger: Sequence[Mapping[str, Any]],
                         fields: Sequence[str] | None = None, where: str = "the ledger's registry") -> list[str]:
    """One line per difference, naming the office and the field; ``[]`` when they agree.

    Offices are matched by ``officeCode``.  ``fields`` limits the comparison (default: every field either side
    has, so an optional part present on one side only is a difference too).
    """
    wanted = {str(office.get("officeCode")): office for office in definition}
    found = {str(office.get("officeCode")): office for office in ledger}
    lines = []
    for code in sorted(wanted.keys() | found.keys()):
        if code not in found:
            lines.append(f"{code}: in the definition but not in {where}")
            continue
        if code not in wanted:
            lines.append(f"{code}: in {where} but not in the definition")
            continue
        names = fields if fields is not None else sorted(wanted[code].keys() | found[code].keys())
        for name in names:
            expected = _comparable(name, wanted[code].get(name, _ABSENT))
            actual = _comparable(name, found[code].get(name, _ABSENT))
            if expected != actual:
                lines.append(f"{code}: {name} is {_shown(actual)} in {where}, {_shown(expected)} in the definition")
    return lines


def _fail(plan: ConsortiumPlan, cause: str, differences: Sequence[str]) -> OperatorError:
    return OperatorError(
        f"the office registry on channel {plan.channel} is not the one of the definition: {cause}:\n  "
        + "\n  ".join(differences)
        + "\nNothing was changed to make it match: find out who founded it, or start from a clean network (`down`).")


# -- founding ---------------------------------------------------------------------------------------------------


class FoundingClient(Protocol):
    """What founding needs of a ledger connection (PriorityLedger, as one office's administrator)."""

    def init_consortium(self, offices: Sequence[OfficeDefinition]) -> FoundingProposal: ...

    def confirm_founding(self, registry_hash: str) -> FoundingProposal: ...

    def get_founding_proposal(self, registry_hash: str) -> FoundingProposal: ...

    def iter_founding_proposals(self, *, status: FoundingStatus | str | None = None,
                                page_size: int | None = None) -> Iterator[FoundingProposal]: ...

    def iter_offices(self, *, page_size: int | None = None) -> Iterator[Office]: ...


Connect = Callable[[ConsortiumPlan, OfficePlan], AbstractContextManager[FoundingClient]]


def connect_admin(plan: ConsortiumPlan, office: OfficePlan) -> AbstractContextManager[FoundingClient]:
    """The office's administrator (``Admin`` in its wallet) on its own gateway peer."""
    from ipledger.domain.priority_ledger import PriorityLedger
    return PriorityLedger.connect(plan.profiles_dir / f"{office.code}.json", "Admin")


@dataclass
class FoundingResult:
    """What ``found`` did: nothing on a network founded before, else which offices proposed and confirmed."""

    registry_hash: str
    proposed_by: str | None = None
    confirmed_by: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.proposed_by is not None or bool(self.confirmed_by)


#: Gateway failures without a chaincode answer (servers still starting, a peer not yet having the last block) and
#: invalid commits (MVCC conflicts between offices' confirmations) are retried: founding transactions are
#: idempotent. Chaincode refusals (LedgerError) are answers and propagate at once.
NOT_YET: tuple[type[Exception], ...] = (GatewayError, CommitError)


def found(plan: ConsortiumPlan, connect: Connect = connect_admin, ready_timeout: float = 120.0,
          sleep: Callable[[float], None] = time.sleep) -> FoundingResult:
    """Found the registry of the definition unless it is founded, then check the ledger against the definition.

    Idempotent: on a network founded from this definition it submits nothing.  Raises OperatorError naming
    every difference when the ledger holds another registry.  ``ready_timeout`` bounds the whole founding,
    including the wait for the chaincode servers that were just started.
    """
    deadline = Deadline(ready_timeout, sleep=sleep)
    try:
        return _found(plan, connect, deadline)
    except UnknownOfficeError as error:
        # Founding queries answer any member before founding; afterwards only registered offices.
        raise _fail(plan, "an office of the definition is not registered", [str(error)]) from None


def _found(plan: ConsortiumPlan, connect: Connect, deadline: Deadline) -> FoundingResult:
    with ExitStack() as stack:
        ledgers: dict[str, FoundingClient] = {}

        def ledger(office: OfficePlan) -> FoundingClient:
            if office.code not in ledgers:
                ledgers[office.code] = stack.enter_context(connect(plan, office))
            return ledgers[office.code]

        # The founders propose and confirm; a current member reads (a founder may have left since).
        first = plan.founding[0] if plan.offices == plan.founding else plan.offices[0]
        result = FoundingResult(definition_hash(plan))
        proposal = deadline.run(lambda: _proposal(ledger(first), result.registry_hash), NOT_YET)
        if proposal is None:
            try:
                proposal = deadline.run(lambda: ledger(first).init_consortium(founding_offices(plan)), NOT_YET)
                result.proposed_by = first.code
            except AlreadyExistsError:
                proposal = None  # founded with another registry: the check below says how it differs
        if proposal is not None and proposal.status is FoundingStatus.OPEN:
            proposal = _confirm_all(plan, ledger, proposal, deadline, result)
        if proposal is None or proposal.status is FoundingStatus.VOID:
            _check_founded_elsewhere(plan, ledger(first), result)
        elif proposal.status is not FoundingStatus.ACTIVE:
            raise OperatorError(f"the registry of the definition ({result.registry_hash}) is not founded: still "
                                f"awaiting {', '.join(proposal.awaiting)}")
        else:
            # The confirming office's peer has the founded registry; the others may be a block behind, and a
            # peer without it answers every registry read UNKNOWN_OFFICE. Read it back once all have it.
            digest = result.registry_hash
            deadline.until(lambda: [_proposal(ledger(o), digest) for o in plan.offices],
                           lambda views: all(v is not None and v.status is FoundingStatus.ACTIVE for v in views),
                           NOT_YET)
        _check_registered(plan, ledger(first))
        return result


def _proposal(ledger: FoundingClient, digest: str) -> FoundingProposal | None:
    try:
        return ledger.get_founding_proposal(digest)
    except NotFoundError:
        return None


def _confirm_all(plan: ConsortiumPlan, ledger: Callable[[OfficePlan], FoundingClient], proposal: FoundingProposal,
                 deadline: Deadline, result: FoundingResult) -> FoundingProposal:
    """Each office's administrator confirms through its own gateway, one after the other."""
    done = set(proposal.confirmations)
    for office in plan.founding:
        if proposal.status is not FoundingStatus.OPEN:
            break
        if office.code in done:
            continue
        own = ledger(office)
        # Each office confirms what it computes from its own copy of the definition, not what the ledger holds.
        digest = definition_hash(plan)

        def caught_up(view: FoundingProposal | None) -> bool:
            return view is not None and (done <= set(view.confirmations) or view.status is not FoundingStatus.OPEN)

        # A majority of peers endorses the confirmation: wait until every office's peer has the proposal and the
        # confirmations so far (a peer one block behind answers NOT_FOUND or conflicts).
        views = deadline.until(lambda: [_proposal(ledger(o), digest) for o in plan.founding],
                               lambda seen_by: all(caught_up(view) for view in seen_by), NOT_YET)
        seen = views[plan.founding.index(office)]
        if seen is None:
            raise OperatorError(f"{office.code}'s peer never received founding proposal {digest}")
        if office.code in seen.confirmations or seen.status is not FoundingStatus.OPEN:
            proposal = seen
        else:
            proposal = deadline.run(lambda: own.confirm_founding(digest), NOT_YET)
            result.confirmed_by.append(office.code)
        done = set(proposal.confirmations)
    return proposal


def _check_founded_elsewhere(plan: ConsortiumPlan, ledger: FoundingClient, result: FoundingResult) -> None:
    """The consortium was founded from other content than the definition's registry: fail unless what was
    founded is the definition's registry after all (the same offices and fields, e.g. in another order)."""
    founded = list(ledger.iter_founding_proposals(status=FoundingStatus.ACTIVE))
    if not founded:
        # A ledger initialised before founding proposals existed: only its current registry can be compared.
        result.notes.append("the registry was initialised before founding confirmations existed")
        return
    differences = registry_differences(offices_document(plan), founded[0].registry,
                                       where=f"the founded registry {founded[0].registry_hash}")
    if differences:
        raise _fail(plan, f"the consortium was founded with registry {founded[0].registry_hash}, not with the "
                          f"definition's {result.registry_hash}", differences)
    result.notes.append(f"founded as registry {founded[0].registry_hash}: the same offices as the definition")


def _check_registered(plan: ConsortiumPlan, ledger: FoundingClient) -> None:
    """The offices registered now (ListOffices) are the definition's, with its MSP IDs and names: every current
    member, and every office that was ever registered (an office that left stays registered, suspended)."""
    registered = [office.to_json() for office in ledger.iter_offices()]
    codes = {str(entry.get("officeCode")) for entry in registered} | {o.code for o in plan.offices}
    expected = registry_document([office_definition(o) for o in plan.defined if o.code in codes])
    differences = registry_differences(expected, registered, IDENTITY_FIELDS)
    if differences:
        raise _fail(plan, "ListOffices differs from the definition", differences)
