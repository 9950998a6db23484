# Look at a running network: nodes, live metrics, a diagnosis, certificates.
#
# docs-example: live
# IPLEDGER_DEFINITION names the network's definition (default: network/consortium.yaml).
DEFINITION="${IPLEDGER_DEFINITION:-network/consortium.yaml}"

ipledger network status --definition "$DEFINITION"            # per node: container, health, height, role
ipledger network top --definition "$DEFINITION" --once --json > top.json   # one frame of the live view
python3 -c 'import json; print(len(json.load(open("top.json"))["nodes"]), "nodes in top")'
ipledger network certs --definition "$DEFINITION" --office JP  # JP's certificates and their expiry

# doctor exits 1 when it finds something; each finding has a stable code
if ipledger network doctor --definition "$DEFINITION" --json > doctor.json; then
    echo "doctor: healthy"
else
    python3 -c 'import json; print("doctor:", [f["code"] for f in json.load(open("doctor.json"))["findings"]])'
fi
