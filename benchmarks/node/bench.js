'use strict';
// The Node side of benchmarks/gateway_bench.py: the same calls with the same concurrency through the official
// Fabric Gateway client for Node. Prints one JSON document with raw per-call latencies (the Python script
// computes every statistic the same way for all clients); asserts nothing.
//
//   node bench.js --profiles JP.json,US.json,EP.json,KR.json --evaluates 300 --submits 200 --concurrency 20
//
// Evaluate: GetOffice(<first profile's office>) on the first profile's gateway.
// Submit: DepositFirstFiling with unique numbers (no key is shared, so no MVCC conflict), submitAsync + getStatus,
// transaction i through the gateway of profile i mod n.

const { connectProfile, newFilingJSON } = require('./common');

function parseArgs(argv) {
    const options = { user: 'User1', evaluates: '300', submits: '200', concurrency: '20', warmup: '10' };
    for (let i = 0; i < argv.length; i += 2) {
        if (!argv[i].startsWith('--')) {
            throw new Error(`unexpected argument ${argv[i]}`);
        }
        options[argv[i].slice(2)] = argv[i + 1];
    }
    if (!options.profiles) {
        throw new Error('usage: bench.js --profiles P1,P2,... [--evaluates N] [--submits N] [--concurrency N]');
    }
    return {
        profiles: options.profiles.split(',').filter(Boolean),
        user: options.user,
        evaluates: Number(options.evaluates),
        submits: Number(options.submits),
        concurrency: Number(options.concurrency),
        warmup: Number(options.warmup),
    };
}

// Keeps the first few distinct error messages, to explain failures in the report.
function sample(samples, error) {
    const details = (error.details || []).map((d) => `${d.mspId}: ${d.message}`).join('; ');
    const text = `${error.name || 'Error'}: ${error.message}${details ? ` (${details})` : ''}`;
    if (samples.length < 3 && !samples.includes(text)) {
        samples.push(text);
    }
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const cpuSeconds = (since) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
};

// Runs task(i) for i in [0, count) with at most `concurrency` in flight (closed loop).
async function runClosedLoop(count, concurrency, task) {
    let next = 0;
    const worker = async () => {
        while (next < count) {
            const index = next++;
            await task(index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

async function benchEvaluate(connection, options) {
    for (let i = 0; i < options.warmup; i++) {
        await connection.contract.evaluateTransaction('GetOffice', connection.office);
    }
    const latencies = [];
    const samples = [];
    let errors = 0;
    const cpuStart = process.cpuUsage();
    const start = nowMs();
    await runClosedLoop(options.evaluates, options.concurrency, async () => {
        const t0 = nowMs();
        try {
            await connection.contract.evaluateTransaction('GetOffice', connection.office);
            latencies.push(nowMs() - t0);
        } catch (error) {
            errors++;
            sample(samples, error);
        }
    });
    return { latenciesMs: latencies, errors, errorSamples: samples, wallS: (nowMs() - start) / 1000, cpuS: cpuSeconds(cpuStart) };
}

async function benchSubmit(connections, options) {
    const latencies = [];
    const samples = [];
    const invalid = {};
    let valid = 0;
    let errors = 0;
    for (const connection of connections) {
        await connection.contract.evaluateTransaction('GetOffice', connection.office); // connect before timing
    }
    const cpuStart = process.cpuUsage();
    const start = nowMs();
    await runClosedLoop(options.submits, options.concurrency, async (index) => {
        const connection = connections[index % connections.length];
        const t0 = nowMs();
        try {
            const submitted = await connection.contract.submitAsync('DepositFirstFiling', { arguments: [newFilingJSON()] });
            const status = await submitted.getStatus();
            if (status.successful) {
                valid++;
                latencies.push(nowMs() - t0);
            } else {
                invalid[status.code] = (invalid[status.code] || 0) + 1;
            }
        } catch (error) {
            errors++;
            sample(samples, error);
        }
    });
    return { latenciesMs: latencies, valid, invalid, errors, errorSamples: samples, wallS: (nowMs() - start) / 1000, cpuS: cpuSeconds(cpuStart) };
}

async function main() {
    const options = parseArgs(process.argv.slice(2));
    const connections = options.profiles.map((profile) => connectProfile(profile, options.user));
    try {
        const evaluate = await benchEvaluate(connections[0], options);
        const submit = await benchSubmit(connections, options);
        process.stdout.write(JSON.stringify({ client: 'node', evaluate, submit }) + '\n');
    } finally {
        connections.forEach((connection) => connection.close());
    }
}

module.exports = { benchEvaluate, benchSubmit, cpuSeconds, nowMs, runClosedLoop };

if (require.main === module) {
    main().catch((error) => {
        process.stderr.write(`${error.stack || error}\n`);
        process.exit(1);
    });
}
