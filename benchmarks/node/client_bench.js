'use strict';
// The Node side of benchmarks/client_bench.py: the official Fabric Gateway client for Node against the fake
// gateway (benchmarks/fake_gateway.py), the same calls as bench.js at one concurrency level, after a warm-up
// round of both calls (V8 compiles the hot paths while warming). Prints one JSON document; asserts nothing.
//
//   node client_bench.js --profile /tmp/x/JP.json --evaluates 3000 --submits 2000 --concurrency 20 \
//       --warmup 300 --server-pid 1234 --clock-ticks 100
//
// --server-pid: the fake server's process, whose CPU (from /proc) is reported per phase, to show whether the
// server or the client was the limit.

const fs = require('node:fs');
const { connectProfile } = require('./common');
const { benchEvaluate, benchSubmit } = require('./bench');

function parseArgs(argv) {
    const options = { user: 'User1', evaluates: '3000', submits: '2000', concurrency: '20', warmup: '300',
        'server-pid': '0', 'clock-ticks': '100' };
    for (let i = 0; i < argv.length; i += 2) {
        if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
            throw new Error(`unexpected argument ${argv[i]}`);
        }
        options[argv[i].slice(2)] = argv[i + 1];
    }
    if (!options.profile) {
        throw new Error('usage: client_bench.js --profile JP.json [--evaluates N] [--submits N] [--concurrency N]');
    }
    return {
        profile: options.profile,
        user: options.user,
        evaluates: Number(options.evaluates),
        submits: Number(options.submits),
        concurrency: Number(options.concurrency),
        warmup: Number(options.warmup),
        serverPid: Number(options['server-pid']),
        clockTicks: Number(options['clock-ticks']),
    };
}

// CPU seconds (user + system) of another process so far, from /proc/<pid>/stat.
function processCpuSeconds(pid, clockTicks) {
    if (!pid) {
        return 0;
    }
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

async function withServerCpu(options, run) {
    const before = processCpuSeconds(options.serverPid, options.clockTicks);
    const phase = await run();
    phase.serverCpuS = processCpuSeconds(options.serverPid, options.clockTicks) - before;
    return phase;
}

async function main() {
    const options = parseArgs(process.argv.slice(2));
    const connection = connectProfile(options.profile, options.user);
    try {
        const warm = { ...options, evaluates: options.warmup, submits: options.warmup, warmup: 0 };
        await benchEvaluate(connection, warm);
        await benchSubmit([connection], warm);
        const measured = { ...options, warmup: 0 };
        const evaluate = await withServerCpu(options, () => benchEvaluate(connection, measured));
        const submit = await withServerCpu(options, () => benchSubmit([connection], measured));
        process.stdout.write(JSON.stringify({ client: 'node', evaluate, submit }) + '\n');
    } finally {
        connection.close();
    }
}

main().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
});
