"""``ipledger identities``: register and enrol a new user with the office's Fabric CA, then act as that user.

The test works on a copy of JP's connection profile whose wallet is a temporary directory, so the shared wallet
of the generated network stays untouched; the CA, its registrar and the peer are the live ones.
"""

from __future__ import annotations

import json
from pathlib import Path

from _live_cli import Cli, copy_profile, decoded, describe, error_line, random_digits
from ipledger.cli.exit_codes import ExitCode
from ipledger.domain.models import Office
from ipledger.operator import registry
from ipledger.operator.bringup import Context


def test_register_enroll_list_and_transact_as_the_new_user(network: Context, cli: Cli, tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    wallet = tmp_path / "wallet"
    copy_profile(cli.profiles_dir / "JP.json", profiles, wallet=wallet)
    user = f"examiner{random_digits(8)}"
    label = f"{user}-wallet"

    registered = cli.json("JP", "identities", "register", user, "--max-enrollments", "2", profiles_dir=profiles)
    assert set(registered) == {"enrollmentId", "type", "secret"}
    assert (registered["enrollmentId"], registered["type"]) == (user, "client") and registered["secret"]
    again = cli.fails(ExitCode.CONFLICT, "JP", "identities", "register", user, profiles_dir=profiles)
    assert error_line(again).startswith("Error: CA_REQUEST_FAILED: ") and "HTTP 409" in again.stderr
    assert f"'{user}' is already registered" in again.stderr  # the CA's own reason, on the lines below

    line = error_line(cli.fails(ExitCode.NOT_AUTHORISED, "JP", "identities", "enroll", user, "--secret",
                                "not-the-secret", profiles_dir=profiles))
    assert line.startswith("Error: ")
    # The secret is prompted for (the runner echoes the prompt to stdout, a terminal shows it on the tty).
    prompted = cli.run("JP", "identities", "enroll", user, "--label", label, profiles_dir=profiles,
                       input=registered["secret"] + "\n", json_output=True)
    assert prompted.exit_code == 0, describe(prompted)
    assert registered["secret"] not in prompted.stdout
    enrolled = json.loads(prompted.stdout[prompted.stdout.index("{"):])
    assert enrolled == {"label": label, "mspId": "JPMSP", "wallet": str(wallet)}
    assert (wallet / f"{label}.id").is_file()

    listed = cli.json("JP", "identities", "list", profiles_dir=profiles)
    rows = {row["label"]: row for row in listed}
    assert all(set(row) == {"label", "source", "mspId", "certificate"} for row in listed)
    assert (rows[label]["source"], rows[label]["mspId"]) == ("wallet", "JPMSP")
    assert rows["User1"]["source"] == "profile" and rows["Admin"]["source"] == "profile"
    table = cli.run("JP", "identities", "list", profiles_dir=profiles)
    assert table.exit_code == 0 and label in table.stdout and "wallet" in table.stdout

    # Act as the new user: a query and a transaction signed with its key.
    assert decoded(Office, cli.json("JP", "offices", "show", user=label, profiles_dir=profiles)).office_code == "JP"
    acting = Cli(profiles)
    number = f"JP 2024-{random_digits(10)}"
    document = tmp_path / "by-new-user.pdf"
    document.write_bytes(b"%PDF-1.7 deposited by a freshly enrolled user " + number.encode())
    result = acting.run("JP", "filings", "deposit", "--ip-right", "PATENT", "--number", number, "--filing-date",
                        "2024-06-03", "--document", str(document), user=label, json_output=True)
    assert result.exit_code == 0, describe(result)
    record = json.loads(result.stdout)
    deposit_tx = cli.json("JP", "history", "filing", record["id"])[-1]["txId"]
    transaction = cli.json("JP", "ledger", "transaction", deposit_tx)
    assert (transaction["creatorMspId"], transaction["function"], transaction["validationCodeName"]) == (
        "JPMSP", "DepositFirstFiling", "VALID")

    unknown = cli.fails(ExitCode.USAGE, "JP", "offices", "show", user="nobody-here", profiles_dir=profiles)
    assert "nobody-here" in error_line(unknown) and label in error_line(unknown)

    # --profile instead of --office; events watch keeps its default checkpoint in the wallet directory.
    profile = str(profiles / "JP.json")
    assert int(cli.json(None, "--profile", profile, "ledger", "height")["height"]) > 0
    watched = cli.run(None, "--profile", profile, "--user", label, "events", "watch", "--from-block", "0",
                      "--limit", "1", json_output=True)
    assert watched.exit_code == 0, describe(watched)
    event = json.loads(watched.stdout)
    # The first event ever: `up` proposing the definition's founding registry (CONTRACT.md §3.1).
    assert (event["name"], event["recordType"], event["recordId"]) == (
        "ConsortiumFoundingProposed", "founding", registry.definition_hash(network.plan))
    stored = json.loads((wallet / "checkpoints" / f"events-{label}.json").read_text())
    assert stored == {"blockNumber": event["blockNumber"], "transactionId": event["transactionId"]}
    both = cli.fails(ExitCode.USAGE, "JP", "--profile", profile, "offices", "show")
    assert "either --office or --profile" in error_line(both)
