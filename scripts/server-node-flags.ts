// The flags `npm start` gives Node.js before the compiled server entry
// (package.json's "start" script says them again: tests/platform/boot.test.ts
// checks that the two agree). The benchmark and the browser tests start the
// server with the same ones.
//
// --max-semi-space-size=4: the young generation, where a request's objects
// live and die, kept at 4 MB per semi-space instead of growing to V8's
// default of 16 MB under load. Scavenges come more often and each is
// shorter; under a validation storm the process peaked 15-35 MB lower
// (205-209 MB against 214-242 MB in the same minutes here), with no
// difference in req/s or p99 beyond the noise (docs/performance.md).
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=4"] as const;
