/** The head of docs/benchmarks.md, written only when the file does not exist yet (each bench then adds its section). */
export const BENCHMARKS_PREAMBLE = `# Benchmarks

Each benchmark runs on the native stack (\`deploy/local/stack.sh\`, started if it is down) with stores of its own (test slot 9),
starts the services it measures as real processes from their build output, and rewrites only its own section below
(between its \`<!-- bench:<name>:start -->\` and \`<!-- bench:<name>:end -->\` markers). Benchmarks are not tests: they
never run in \`make test\` or CI, and their numbers hold for the machine named in each section.

| command | what it measures |
| --- | --- |
| \`npm run bench:ingest\` | ingest's accepted check-ins per second and p50/p99 latency, for ping URLs and Sentry envelopes with Kafka's acknowledgement included, beside a bare \`node:http\` server that only parses the same requests (the ceiling); a closed loop for maximum throughput and an open loop at 2,000 check-ins/s for latency; ingest's RSS after the run. \`-- --profile\` profiles ingest instead (\`node --cpu-prof\`) and prints where its time goes. |
`;
