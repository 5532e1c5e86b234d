// V8 flags for the server process (src/main.ts). They must be given when the process starts:
// V8 sizes the main thread's heap then, and setting them later has no effect.
//
// --max-semi-space-size: with io-threads 0 the main thread frames every request, and V8 lets
// its young generation grow to ~130 MB under load on a machine with this much memory: resident
// memory the data never uses. 4 MB semi-spaces cost no measurable throughput and ~50 bytes per
// key at a million keys (docs/benchmarks.md, memory per key). Worker threads get theirs through
// resourceLimits (src/server/server.ts).
//
// Plain JS so that bin/run.js can read it on any Node; the TypeScript launchers (tests, bench)
// import it too, so every way of starting the server starts it the same way.
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];
