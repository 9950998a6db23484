'use strict';
// One call through the official Fabric Gateway client for Node, for interoperability tests.
// Prints one JSON document on stdout; failures go to stderr with exit code 1.
//
//   node interop.js --profile JP.json [--user User1] evaluate GetFirstFiling JP:PATENT:2024012345
//   node interop.js --profile US.json submit DepositFirstFiling '{"ipRight":"PATENT",...}'
//   node interop.js --profile JP.json events --start-block 12 --transactions <txid>,<txid>

const { connectProfile, utf8 } = require('./common');

function parseArgs(argv) {
    const options = { user: 'User1' };
    const rest = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--profile' || arg === '--user' || arg === '--start-block' || arg === '--transactions') {
            options[arg.slice(2)] = argv[++i];
        } else {
            rest.push(arg);
        }
    }
    if (!options.profile || rest.length === 0) {
        throw new Error('usage: interop.js --profile PROFILE [--user USER] '
            + '(evaluate|submit) NAME [ARG...] | events --start-block N --transactions ID,ID');
    }
    return { options, command: rest[0], name: rest[1], args: rest.slice(2) };
}

async function evaluate(contract, name, args) {
    const proposal = contract.newProposal(name, { arguments: args });
    const result = await proposal.evaluate();
    return { transactionId: proposal.getTransactionId(), result: utf8.decode(result) };
}

async function submit(contract, name, args) {
    const submitted = await contract.submitAsync(name, { arguments: args });
    const status = await submitted.getStatus();
    return {
        transactionId: submitted.getTransactionId(),
        result: utf8.decode(submitted.getResult()),
        status: { code: status.code, successful: status.successful, blockNumber: status.blockNumber.toString() },
    };
}

async function events(network, chaincode, startBlock, wanted) {
    const remaining = new Set(wanted);
    const seen = [];
    const stream = await network.getChaincodeEvents(chaincode, { startBlock: BigInt(startBlock) });
    try {
        for await (const event of stream) {
            if (remaining.delete(event.transactionId)) {
                seen.push({
                    blockNumber: event.blockNumber.toString(),
                    transactionId: event.transactionId,
                    eventName: event.eventName,
                    payload: utf8.decode(event.payload),
                });
            }
            if (remaining.size === 0) {
                break;
            }
        }
    } finally {
        stream.close();
    }
    return { events: seen };
}

async function main() {
    const { options, command, name, args } = parseArgs(process.argv.slice(2));
    const connection = connectProfile(options.profile, options.user);
    try {
        let output;
        if (command === 'evaluate') {
            output = await evaluate(connection.contract, name, args);
        } else if (command === 'submit') {
            output = await submit(connection.contract, name, args);
        } else if (command === 'events') {
            const wanted = (options.transactions || '').split(',').filter(Boolean);
            output = await events(connection.network, connection.contract.getChaincodeName(), options['start-block'] || '0', wanted);
        } else {
            throw new Error(`unknown command ${command}`);
        }
        process.stdout.write(JSON.stringify(output) + '\n');
    } finally {
        connection.close();
    }
}

main().catch((error) => {
    const details = (error.details || []).map((d) => `${d.address} (${d.mspId}): ${d.message}`);
    process.stderr.write(`${error.name || 'Error'}: ${error.message}\n${details.join('\n')}\n`);
    process.exit(1);
});
