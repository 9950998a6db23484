# A signed channel configuration update: prepared by one office, signed offline by a majority of office
# admins, submitted by any office.  The change is the orderers' BatchTimeout (toggled between 2s and 1500ms,
# so the example can run again).
#
# docs-example: live
DEFINITION="${IPLEDGER_DEFINITION:-network/consortium.yaml}"

ipledger network config fetch --definition "$DEFINITION" --office JP --output current.json
python3 - <<'PY'
import json
config = json.load(open("current.json"))
batch = config["channel_group"]["groups"]["Orderer"]["values"]["BatchTimeout"]["value"]
batch["timeout"] = "1500ms" if batch["timeout"] != "1500ms" else "2s"
json.dump(config, open("new.json", "w"), indent=2)
PY
ipledger network config prepare --definition "$DEFINITION" --original current.json --modified new.json \
    --output update.json --note "BatchTimeout for the docs example"
ipledger network config inspect --definition "$DEFINITION" update.json   # what changes, who must sign

for OFFICE in JP US EP; do                                     # each admin signs on their own machine
    ipledger network config sign --definition "$DEFINITION" --office "$OFFICE" update.json
done
ipledger network config submit --definition "$DEFINITION" --office KR update.json
