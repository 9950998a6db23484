'use strict';
// Connects the official Fabric Gateway client for Node to one office's gateway peer, using the same
// per-office connection profile as the Python client (network/generated/profiles/<CODE>.json; paths in it
// are relative to the profile file).

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const { connect, hash, signers } = require('@hyperledger/fabric-gateway');

// The same client deadlines as the Python client's Timeouts defaults.
const DEADLINES_MS = { evaluate: 35000, endorse: 35000, submit: 35000, commitStatus: 60000 };

function loadProfile(profilePath) {
    const file = path.resolve(profilePath);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const base = path.dirname(file);
    const read = (relative) => fs.readFileSync(path.resolve(base, relative));
    return { doc, read };
}

function deadline(ms) {
    return () => ({ deadline: Date.now() + ms });
}

// Returns {gateway, client, contract, network, office, mspId, close()} for `user` of the profile.
function connectProfile(profilePath, user = 'User1') {
    const { doc, read } = loadProfile(profilePath);
    const credentials = doc.users && doc.users[user];
    if (!credentials) {
        throw new Error(`user ${user} is not in profile ${profilePath}`);
    }
    const gw = doc.gateway;
    const options = {};
    if (gw.serverName) {
        options['grpc.ssl_target_name_override'] = gw.serverName;
    }
    const tls = doc.mutualTls
        ? grpc.credentials.createSsl(read(gw.tlsRootCertPath), read(credentials.tlsKeyPath), read(credentials.tlsCertPath))
        : grpc.credentials.createSsl(read(gw.tlsRootCertPath));
    const client = new grpc.Client(gw.endpoint, tls, options);
    const gateway = connect({
        client,
        identity: { mspId: doc.mspId, credentials: read(credentials.certPath) },
        signer: signers.newPrivateKeySigner(crypto.createPrivateKey(read(credentials.keyPath))),
        hash: hash.sha256,
        evaluateOptions: deadline(DEADLINES_MS.evaluate),
        endorseOptions: deadline(DEADLINES_MS.endorse),
        submitOptions: deadline(DEADLINES_MS.submit),
        commitStatusOptions: deadline(DEADLINES_MS.commitStatus),
    });
    const network = gateway.getNetwork(doc.channel);
    const contract = network.getContract(doc.chaincode);
    return {
        gateway,
        client,
        network,
        contract,
        office: doc.office,
        mspId: doc.mspId,
        close() {
            gateway.close();
            client.close();
        },
    };
}

// A DepositFirstFiling argument with a random 16-digit application number (unique, never conflicting).
function newFilingJSON() {
    const number = (10n ** 15n + (crypto.randomBytes(8).readBigUInt64BE() % (9n * 10n ** 15n))).toString();
    return JSON.stringify({
        ipRight: 'PATENT',
        applicationNumber: number,
        filingDate: '2024-03-15',
        documentSha256: crypto.randomBytes(32).toString('hex'),
        documentFormat: 'PDF',
    });
}

const utf8 = new TextDecoder();

module.exports = { connectProfile, newFilingJSON, utf8 };
