// The flags and the environment `npm start` gives Node.js before the compiled
// server entry (package.json's "start" script says them again:
// tests/platform/boot.test.ts checks that the two agree). The benchmark and
// the browser tests start the server with the same ones.
//
// --max-semi-space-size=8: the young generation, where a request's objects
// live and die, may grow to 8 MB per semi-space. A log-in lives through its
// hash (about 150 ms in a storm), so with 4 MB semi-spaces (the setting
// until 2026-11-28) the scavenges every ~100 ms copied and then promoted
// most in-flight log-ins' objects, and the old generation's marking ran on
// V8's helper threads: 0.7-0.9 ms more CPU per log-in in alternating storms
// here, taken from the hashes on two cores. 8 MB gives back as much as 16
// (within 0.04 ms per log-in) for less memory: the benchmark's validation
// storm peaked at 243 MB with 16 MB semi-spaces (docs/performance.md).
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=8"] as const;

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
