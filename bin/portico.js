#!/usr/bin/env -S node --max-semi-space-size=16
// The CLI is TypeScript run by Node's built-in type stripping (Node >= 22.18).
await import("../gateway/src/cli.ts");
