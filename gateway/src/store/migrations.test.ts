/**
 * The committed migrations must describe schema.ts exactly: a schema edit
 * without its generated migration would pass every other test (they migrate
 * a fresh database) and then fail on every existing installation.
 */
import { execFile } from "node:child_process";
import { cp, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "./db.ts";
import { tempDir } from "./test-helpers.ts";

const run = promisify(execFile);
const SCHEMA = fileURLToPath(new URL("./schema.ts", import.meta.url));
// The package's exports hide bin.cjs; find it beside the main entry.
const DRIZZLE_KIT = path.join(path.dirname(createRequire(import.meta.url).resolve("drizzle-kit")), "bin.cjs");

describe("migrations", () => {
  it("are up to date with schema.ts (drizzle-kit finds nothing to generate)", async () => {
    const dir = await tempDir("portico-migrations-");
    try {
      // Generate against a copy, so a drift shows up here instead of
      // writing a stray migration into the source tree.
      await cp(MIGRATIONS_DIR, path.join(dir, "migrations"), { recursive: true });
      await writeFile(
        path.join(dir, "drizzle.config.ts"),
        `export default { dialect: "turso", schema: ${JSON.stringify(SCHEMA)}, out: "./migrations" };\n`,
      );
      const before = await readdir(path.join(dir, "migrations"), { recursive: true });
      const { stdout } = await run(process.execPath, [DRIZZLE_KIT, "generate", "--config", "drizzle.config.ts"], { cwd: dir });
      expect(stdout, "run `npm run db:generate` and commit the new migration").toContain("No schema changes");
      expect(await readdir(path.join(dir, "migrations"), { recursive: true })).toEqual(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
