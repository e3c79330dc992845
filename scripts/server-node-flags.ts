// The flags and the environment `npm start` gives Node.js before the compiled
// server entry (package.json's "start" script says them again:
// tests/platform/boot.test.ts checks that the two agree). The benchmark and
// the browser tests start the server with the same ones.
//
// --max-semi-space-size=4: the young generation, where a request's objects
// live and die, kept at 4 MB per semi-space instead of growing to V8's
// default of 16 MB under load. Scavenges come more often and each is
// shorter; under a validation storm the process peaked 15-35 MB lower
// (205-209 MB against 214-242 MB in the same minutes here), with no
// difference in req/s or p99 beyond the noise (docs/performance.md).
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=4"] as const;

// MALLOC_MMAP_THRESHOLD_: glibc's malloc serves blocks above this size with
// their own mapping, returned to the system when freed. By default the
// threshold moves up to the largest such block freed so far; the start frees
// several of 8 MiB (strace of a start), and from then on every freed block up
// to that size stays in the heap, more or less of it depending on the order
// in which the start's threads ran. Pinned at glibc's initial 128 KiB, the
// idle server measured 127-134 MB against 138-147 on SQLite and 122-124
// against 138-145 on PostgreSQL (alternating starts, docs/performance.md).
// argon2 maps its 19 MiB itself for every hash, so hashing is unaffected.
export const SERVER_ENV = { MALLOC_MMAP_THRESHOLD_: "131072" } as const;
